import { z } from 'zod';
import type { Metrics } from '../observe/metrics.ts';
import { route, router } from './route.ts';

const metricsRoute = route({
  method: 'get',
  path: '/metrics',
  summary: 'Prometheus metrics (text exposition format), for an admin or a `metrics` token',
  role: 'metrics',
  ok: {
    status: 200,
    schema: z.string(),
    mediaType: 'text/plain; version=0.0.4',
    description: 'Prometheus text exposition format',
  },
});

/** `GET /metrics`, on the API port, outside `/api` where Prometheus expects it. */
export const metricsRoutes = (metrics: Metrics | undefined) => {
  const r = router();
  if (!metrics) return r;
  return r.openapi(metricsRoute, async (c) =>
    c.body(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }),
  );
};
