import { readFile } from 'node:fs/promises';
import { type DagSpec, validateDag } from '@laneflow/core';
import { UsageError } from './usage.ts';

/** Reads and parses a DAG file; a file that cannot be read or is not JSON is a usage error. */
export const readDagFile = async (path: string | undefined): Promise<unknown> => {
  if (!path) throw new UsageError('give the DAG file, e.g. laneflow run dag.json');
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

/** The DAG's problems as lines: where, then what. */
export const problemLines = (issues: ReadonlyArray<{ path: string; message: string }>): string[] =>
  issues.map((i) => `  ${i.path || '(document)'}: ${i.message}`);

/** A valid DAG from a file, or the problems on stderr and a usage error. */
export const loadDag = async (path: string | undefined): Promise<DagSpec> => {
  const r = validateDag(await readDagFile(path));
  if (r.ok) return r.value;
  throw new UsageError(`${path} is not a valid DAG:\n${problemLines(r.issues).join('\n')}`);
};

/** `laneflow validate <dag.json>`: 0 when valid, 1 with every problem listed. */
export const validate = async (args: string[]): Promise<number> => {
  const [path, ...rest] = args;
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  const r = validateDag(await readDagFile(path));
  if (r.ok) {
    console.log(`${path}: valid (${r.value.nodes.length} nodes, ${r.value.edges.length} edges)`);
    return 0;
  }
  console.log(`${path}: ${r.issues.length} problem(s)\n${problemLines(r.issues).join('\n')}`);
  return 1;
};
