import { readFile } from 'node:fs/promises';
import { type DagSpec, describeIssue, type Issue, validateDag, type WordedDoc } from '@laneflow/core';
import { UsageError } from './usage.ts';

/** Reads and parses a DAG file; a file that cannot be read or is not JSON is a usage error. */
export const readDagFile = async (path: string | undefined): Promise<unknown> => {
  if (!path) throw new UsageError('give the DAG file, a path to its JSON');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(
      `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path} is not JSON: ${(err as Error).message}`);
  }
};

/** Just enough of a document to name its nodes and edges, whatever else is wrong with it. */
const wordable = (doc: unknown): WordedDoc => {
  const d = (typeof doc === 'object' && doc !== null ? doc : {}) as Record<string, unknown>;
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x) => typeof x === 'object' && x !== null) : []);
  return {
    nodes: list(d.nodes).map((n) => ({ ...n, id: String((n as { id?: unknown }).id ?? '') })),
    edges: list(d.edges),
  };
};

/** The DAG's problems as lines: the sentence, then the field it is about. */
export const problemLines = (doc: unknown, issues: readonly Issue[]): string[] => {
  const words = wordable(doc);
  return issues.map((i) => `  ${describeIssue(words, i).text}  (${i.path || 'document'})`);
};

/** A valid DAG from a file, or the problems on stderr and a usage error. */
export const loadDag = async (path: string | undefined): Promise<DagSpec> => {
  const doc = await readDagFile(path);
  const r = validateDag(doc);
  if (r.ok) return r.value;
  throw new UsageError(`${path} is not a valid DAG:\n${problemLines(doc, r.issues).join('\n')}`);
};

/** `laneflow validate <dag.json>`: 0 when valid, 1 with every problem listed. */
export const validate = async (args: string[]): Promise<number> => {
  const [path, ...rest] = args;
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  const doc = await readDagFile(path);
  const r = validateDag(doc);
  if (r.ok) {
    console.log(`${path}: valid (${r.value.nodes.length} nodes, ${r.value.edges.length} edges)`);
    return 0;
  }
  console.log(`${path}: ${r.issues.length} problem(s)\n${problemLines(doc, r.issues).join('\n')}`);
  return 1;
};
