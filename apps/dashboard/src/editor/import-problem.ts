/** Why a parsed JSON file cannot be opened as a DAG at all, in words; `undefined` when it can. */
export const importProblem = (file: string, json: unknown): string | undefined => {
  const shape = 'A DAG file is one JSON object with an "id", a list of "nodes" and a list of "edges".';
  if (Array.isArray(json)) return `${file} holds a list, not a DAG. ${shape}`;
  if (json === null || typeof json !== 'object')
    return `${file} holds ${json === null ? 'null' : `a ${typeof json}`}, not a DAG. ${shape}`;
  if (!Array.isArray((json as { nodes?: unknown }).nodes)) return `${file} has no list of "nodes". ${shape}`;
  return undefined;
};
