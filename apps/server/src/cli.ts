#!/usr/bin/env -S npx tsx
// `laneflow <command>`: serve (the default), worker, run, validate, token; `laneflow help [command]`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HttpError } from '@laneflow/sdk';
import { run } from './cli/run.ts';
import { serve } from './cli/serve.ts';
import { token } from './cli/token.ts';
import { type CommandName, help, UsageError } from './cli/usage.ts';
import { validate } from './cli/validate.ts';

/** The built dashboard: shipped next to this file in the package, or the workspace's build. */
const dashboardDist = (): string => {
  const shipped = fileURLToPath(new URL('./dashboard', import.meta.url));
  return existsSync(shipped) ? shipped : fileURLToPath(new URL('../../dashboard/dist', import.meta.url));
};

const commands: Record<CommandName, (args: string[]) => Promise<number | undefined>> = {
  serve: (args) => serve(args, { worker: false, dashboardDist: dashboardDist() }).then(() => 0),
  worker: (args) => serve(args, { worker: true, dashboardDist: dashboardDist() }).then(() => 0),
  run,
  validate,
  token,
};

const isCommand = (name: string | undefined): name is CommandName =>
  name !== undefined && Object.hasOwn(commands, name);

const main = async (argv: string[]): Promise<number> => {
  const [first, ...rest] = argv;
  if (first === 'help' || first === '--help' || first === '-h') {
    console.log(isCommand(rest[0]) ? help[rest[0]] : help.laneflow);
    return 0;
  }
  // No command, or flags first: `laneflow --port 9000` serves, as it always did.
  const name: CommandName = first === undefined || first.startsWith('-') ? 'serve' : (first as CommandName);
  const args = name === first ? rest : argv;
  if (!isCommand(name)) {
    console.error(`laneflow: unknown command "${first}"\n\n${help.laneflow}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    console.log(help[name]);
    return 0;
  }
  try {
    return (await commands[name](args)) ?? 0;
  } catch (err) {
    // parseArgs reports unknown or malformed options as TypeErrors with a code.
    const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (usage) {
      console.error(`laneflow ${name}: ${(err as Error).message}\n\n${help[name]}`);
      return 2;
    }
    if (err instanceof HttpError) {
      console.error(`laneflow ${name}: the server answered ${err.status}: ${err.message}`);
      return 1;
    }
    console.error(`laneflow ${name}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
};

// Exit explicitly: a database pool or a watch left open must not keep a finished command alive.
process.exit(await main(process.argv.slice(2)));
