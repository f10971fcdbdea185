/** The dashboard's routes (hash based, so the server only serves one page). */
export type Route =
  | { page: 'editor'; dagId?: string; version?: number }
  | { page: 'dags'; where?: 'local' | 'remote'; dagId?: string }
  | { page: 'economics'; where: 'local' | 'remote'; dagId: string }
  | { page: 'runs' }
  | { page: 'run'; mode: 'local' | 'remote'; runId: string }
  | { page: 'compare'; mode: 'local' | 'remote'; a: string; b: string }
  | { page: 'approvals' }
  | { page: 'connect' };

export const parseRoute = (hash: string): Route => {
  const [page, a, b, c] = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (page === 'runs') return { page: 'runs' };
  if (page === 'dags' && (a === 'local' || a === 'remote') && b && c === 'economics')
    return { page: 'economics', where: a, dagId: b };
  if (page === 'dags')
    return (a === 'local' || a === 'remote') && b ? { page: 'dags', where: a, dagId: b } : { page: 'dags' };
  if (page === 'run' && (a === 'local' || a === 'remote') && b) return { page: 'run', mode: a, runId: b };
  if (page === 'compare' && (a === 'local' || a === 'remote') && b && c)
    return { page: 'compare', mode: a, a: b, b: c };
  if (page === 'approvals') return { page: 'approvals' };
  if (page === 'connect') return { page: 'connect' };
  const version = b && /^[1-9]\d*$/.test(b) ? Number(b) : undefined;
  if (!a) return { page: 'editor' };
  return version ? { page: 'editor', dagId: a, version } : { page: 'editor', dagId: a };
};

export const hrefFor = (r: Route): string => {
  switch (r.page) {
    case 'editor':
      if (!r.dagId) return '#/editor';
      return `#/editor/${encodeURIComponent(r.dagId)}${r.version ? `/${r.version}` : ''}`;
    case 'dags':
      return r.where && r.dagId ? `#/dags/${r.where}/${encodeURIComponent(r.dagId)}` : '#/dags';
    case 'economics':
      return `#/dags/${r.where}/${encodeURIComponent(r.dagId)}/economics`;
    case 'run':
      return `#/run/${r.mode}/${encodeURIComponent(r.runId)}`;
    case 'compare':
      return `#/compare/${r.mode}/${encodeURIComponent(r.a)}/${encodeURIComponent(r.b)}`;
    default:
      return `#/${r.page}`;
  }
};
