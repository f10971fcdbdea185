import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Env, Hono } from 'hono';

/** Swagger UI's prebuilt files, from its npm package (no CDN: the page works offline). */
const swaggerDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const page = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>laneflow API</title><link rel="stylesheet" href="/reference/swagger-ui.css"></head>
<body><div id="api"></div>
<script src="/reference/swagger-ui-bundle.js"></script>
<script src="/reference/reference.js"></script>
</body>
</html>`;

/**
 * Signs the reference in as the dashboard on this origin is signed in (the API document, like every
 * route but health, needs a token); "Try it out" requests carry the same token.
 */
const loader = `(() => {
  let token;
  try {
    const saved = JSON.parse(localStorage.getItem('laneflow.connection') || 'null');
    if (saved && new URL(saved.serverUrl).origin === location.origin) token = saved.token;
  } catch {}
  if (!token) {
    const p = document.createElement('p');
    p.style.font = '16px system-ui';
    p.textContent = 'Sign in on the dashboard (or open its login URL) first: the API document needs a token.';
    document.body.prepend(p);
  }
  window.SwaggerUIBundle({
    url: '/api/openapi.json',
    dom_id: '#api',
    requestInterceptor: (req) => {
      if (token) req.headers.Authorization = 'Bearer ' + token;
      return req;
    },
  });
})();
`;

const files: Record<string, string> = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
};

/** `/reference`: a browsable API reference (Swagger UI) over `GET /api/openapi.json`. */
export const mountReference = <E extends Env>(app: Hono<E>) => {
  app.get('/reference', (c) => c.html(page));
  app.get('/reference/reference.js', (c) =>
    c.body(loader, 200, { 'content-type': 'text/javascript; charset=utf-8' }),
  );
  for (const [name, type] of Object.entries(files))
    app.get(`/reference/${name}`, async (c) =>
      c.body(await readFile(join(swaggerDir, name)), 200, {
        'content-type': type,
        'cache-control': 'public, max-age=86400',
      }),
    );
};
