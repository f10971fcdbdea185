// Module hook for the stream bench's `--proposal`: apps/server/src/app.ts gets ./sse-batched.ts in
// place of its ./sse.ts. Registered after tsx, so it runs first and defers everything else to tsx.
export async function resolve(specifier, context, next) {
  if (specifier === './sse.ts' && context.parentURL?.endsWith('/apps/server/src/app.ts'))
    return next(new URL('./sse-batched.ts', import.meta.url).href, context);
  return next(specifier, context);
}
