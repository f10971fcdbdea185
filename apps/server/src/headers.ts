import type { MiddlewareHandler } from 'hono';

/** `/api` and everything under it: answered by the API (JSON, a JSON 404), never by the dashboard. */
export const isApiPath = (path: string): boolean => path === '/api' || path.startsWith('/api/');

/**
 * The dashboard's policy: its own scripts only (no inline script, no eval), never framed. Styles may
 * be inline (React Flow positions nodes with style attributes); fetches and streams may go to any
 * server the user connects the dashboard to.
 */
export const dashboardCsp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  'connect-src *',
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Headers on every response: API answers are never cached (they carry private run data and follow
 * a token); pages get the dashboard's content policy. Set before the handler so error and streaming
 * responses carry them too.
 */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'no-referrer');
  if (isApiPath(c.req.path)) c.header('Cache-Control', 'no-store');
  else {
    c.header('Content-Security-Policy', dashboardCsp);
    c.header('X-Frame-Options', 'DENY');
  }
  await next();
};
