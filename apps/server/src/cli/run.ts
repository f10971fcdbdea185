import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import {
  apply,
  createOpenAIProvider,
  createRunView,
  type Json,
  type Lane,
  laneLabel,
  laneTable,
  type RunInputsSchema,
  type RunView,
  type StartTier,
  StartTierSchema,
  trustedApiKeys,
} from '@laneflow/core';
import { createLocalTransport, createRemoteTransport, HttpError, type RunTransport } from '@laneflow/sdk';
import { readConfig } from '../config.ts';
import { UsageError } from './usage.ts';
import { loadDag } from './validate.ts';

const ended = new Set(['run.succeeded', 'run.failed', 'run.cancelled']);

/**
 * `name=value`: the value is JSON when it parses (`n=3`, `tags=["a"]`), else the text itself; an
 * input the DAG declares as a string is always the text (`topic=12345` is "12345", not a number).
 */
export const parseInput = (pair: string, schema?: RunInputsSchema): [string, Json] => {
  const at = pair.indexOf('=');
  if (at < 1) throw new UsageError(`--input "${pair}" must be name=value`);
  const name = pair.slice(0, at);
  const raw = pair.slice(at + 1);
  if (schema && Object.hasOwn(schema.properties, name) && schema.properties[name]?.type === 'string')
    return [name, raw];
  try {
    return [name, JSON.parse(raw) as Json];
  } catch {
    return [name, raw];
  }
};

/** `--start-tier`: `auto`, a tier index (digits) or a tier name. */
export const parseStartTier = (value: string): StartTier => {
  const parsed = StartTierSchema.safeParse(/^\d+$/.test(value) ? Number(value) : value);
  if (!parsed.success)
    throw new UsageError(`--start-tier "${value}" must be auto, a tier index or a tier name`);
  return parsed.data;
};

const transportFor = (server: string | undefined, token: string | undefined): RunTransport => {
  if (server) return createRemoteTransport({ baseUrl: server, ...(token && { token }) });
  // The local engine uses the same ladder and keys as a server started here would.
  const { ladder } = readConfig([], process.env);
  const openai = createOpenAIProvider({ apiKey: trustedApiKeys(ladder, process.env) });
  return createLocalTransport({ ladder, providers: { openai }, maxConcurrency: 4 });
};

/** Asks at the terminal; with no terminal to ask, the answer is no. */
const ask = async (question: string): Promise<boolean> => {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
};

/** Redraws the lane table in place on a terminal; elsewhere prints each lane change once. */
const display = (view: RunView, kinds: Record<string, string>) => {
  const tty = process.stdout.isTTY === true;
  let drawn = 0;
  const seen = new Map<string, Lane>();
  const draw = () => {
    const text = laneTable(view, Date.now(), tty, kinds);
    if (drawn > 0) process.stdout.write(`\x1b[${drawn}A\x1b[J`);
    process.stdout.write(`${text}\n`);
    drawn = text.split('\n').length;
  };
  const timer = tty ? setInterval(draw, 100) : undefined;
  return {
    changed(nodeId: string) {
      const node = view.nodes.get(nodeId);
      if (tty || !node || seen.get(nodeId) === node.lane) return;
      seen.set(nodeId, node.lane);
      console.log(`${(node.label ?? node.id).padEnd(34)} ${laneLabel(node.lane, false)}`);
    },
    /** Before a prompt: the table above it stays, the next draw starts below. */
    pause() {
      if (tty) draw();
      drawn = 0;
    },
    end() {
      clearInterval(timer);
      if (tty) draw();
      else console.log(laneTable(view, Date.now(), false, kinds));
    },
  };
};

/** `laneflow run <dag.json>`: 0 when the run succeeded, 1 when it did not. */
export const run = async (args: string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      input: { type: 'string', multiple: true },
      server: { type: 'string' },
      token: { type: 'string' },
      'approve-all': { type: 'boolean' },
      'start-tier': { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('give exactly one DAG file');
  const dag = await loadDag(positionals[0]);
  const inputs = Object.fromEntries((values.input ?? []).map((pair) => parseInput(pair, dag.inputSchema)));
  const startTier = values['start-tier'] === undefined ? undefined : parseStartTier(values['start-tier']);
  const server = values.server ?? process.env.LANEFLOW_SERVER;
  const transport = transportFor(server, values.token ?? process.env.LANEFLOW_TOKEN);
  const { runId } = await transport
    .startRun({
      dag,
      ...(values.input && { inputs }),
      ...(startTier !== undefined && { startTier }),
    })
    .catch((err: unknown) => {
      // A refused start (an input or tier the DAG cannot take) is a bad call, here or on a server.
      throw err instanceof HttpError && err.status === 400 ? new UsageError(err.message) : err;
    });
  console.log(`laneflow: run ${runId} of ${dag.name ?? dag.id} ${server ? `on ${server}` : 'here'}\n`);
  const view = createRunView();
  const screen = display(view, Object.fromEntries(dag.nodes.map((n) => [n.id, n.kind])));
  const watch = transport.watch(runId);
  try {
    for await (const s of watch) {
      apply(view, s);
      if ('nodeId' in s) screen.changed(s.nodeId);
      if (s.type === 'node.awaiting_approval') {
        screen.pause();
        const yes = values['approve-all'] || (await ask(`approve ${s.nodeId}: ${s.prompt}`));
        // A refusal (say, a token that may not decide) ends the command; the run waits on the server.
        await transport.decide(runId, s.approvalId, {
          decision: yes ? 'approved' : 'rejected',
          comment: 'laneflow run',
        });
      }
      if (ended.has(s.type)) break;
    }
  } finally {
    watch.close();
    screen.end();
  }
  console.log(`\nrun ${view.status}`);
  return view.status === 'succeeded' ? 0 : 1;
};
