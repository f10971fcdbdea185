/** The dashboard's routes (hash based, so the server only serves one page). */
export type Route =
  | { page: 'editor'; dagId?: string }
  | { page: 'runs' }
  | { page: 'run'; mode: 'local' | 'remote'; runId: string }
  | { page: 'approvals' }
  | { page: 'connect' };

export const parseRoute = (hash: string): Route => {
  const [page, a, b] = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (page === 'runs') return { page: 'runs' };
  if (page === 'run' && (a === 'local' || a === 'remote') && b) return { page: 'run', mode: a, runId: b };
  if (page === 'approvals') return { page: 'approvals' };
  if (page === 'connect') return { page: 'connect' };
  return a ? { page: 'editor', dagId: a } : { page: 'editor' };
};

export const hrefFor = (r: Route): string => {
  switch (r.page) {
    case 'editor':
      return r.dagId ? `#/editor/${encodeURIComponent(r.dagId)}` : '#/editor';
    case 'run':
      return `#/run/${r.mode}/${encodeURIComponent(r.runId)}`;
    default:
      return `#/${r.page}`;
  }
};
