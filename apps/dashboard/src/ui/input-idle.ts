/** When the user last pressed, dragged, scrolled or typed. */
let lastInput = Number.NEGATIVE_INFINITY;
let listening = false;

const mark = (e: Event) => {
  // Hovering costs the page nothing; only a held pointer (a drag or a pan) counts as input.
  if (e.type === 'pointermove' && (e as PointerEvent).buttons === 0) return;
  lastInput = performance.now();
};

const listen = () => {
  if (listening) return;
  listening = true;
  for (const type of ['pointerdown', 'pointermove', 'wheel', 'keydown'])
    window.addEventListener(type, mark, { capture: true, passive: true });
};

/**
 * Calls `fn` once `quietMs` have passed and the user has not touched the page for `quietMs`.
 * Heavy background work (a Web Worker's hundreds of milliseconds of zod) competes with a pan or a
 * drag for the CPU on a 2-core machine even off the main thread — the compositor's commits waited
 * 50–80 ms a frame — so it waits for a pause. Returns a cancel function.
 */
export const whenInputIdle = (quietMs: number, fn: () => void): (() => void) => {
  listen();
  let timer: ReturnType<typeof setTimeout>;
  const tick = () => {
    const wait = lastInput + quietMs - performance.now();
    if (wait <= 0) fn();
    else timer = setTimeout(tick, wait);
  };
  timer = setTimeout(tick, quietMs);
  return () => clearTimeout(timer);
};
