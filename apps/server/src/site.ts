import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Env, Hono } from 'hono';
import { isApiPath } from './headers.ts';

const placeholder = `<!doctype html><meta charset="utf-8"><title>laneflow</title>
<style>body{font:16px system-ui;margin:4rem auto;max-width:40rem;color:#0f172a}</style>
<h1>laneflow server</h1><p>The API is at <a href="/api/openapi.json">/api/openapi.json</a>.
The dashboard is not built; run <code>pnpm start</code> from the repository root.</p>`;

/** Serves the built dashboard at `/` (single-page app), or a placeholder when it is not built. */
export const mountSite =
  (dist: string) =>
  <E extends Env>(app: Hono<E>) => {
    const root = resolve(dist);
    if (!existsSync(join(root, 'index.html'))) {
      app.get('/', (c) => c.html(placeholder));
      return;
    }
    const files = serveStatic({ root });
    // `/api/*` is the API's alone: an unknown API path gets the API's JSON 404, not the app shell.
    app.use('/*', (c, next) => (isApiPath(c.req.path) ? next() : files(c, next)));
    // Client-side routes fall back to the app shell.
    app.get('*', async (c, next) =>
      isApiPath(c.req.path) ? next() : c.html(await readFile(join(root, 'index.html'), 'utf8')),
    );
  };
