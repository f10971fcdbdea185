import { type RefObject, useLayoutEffect, useState } from 'react';

/**
 * An element's client width or height, kept current with a ResizeObserver. `fallback` holds until
 * the element is laid out (and where there is no layout, as in component tests).
 */
export const useClientSize = (
  ref: RefObject<HTMLElement | null>,
  axis: 'width' | 'height',
  fallback: number,
): number => {
  const [size, setSize] = useState(fallback);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      const v = axis === 'width' ? el.clientWidth : el.clientHeight;
      if (v > 0) setSize(v);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref, axis]);
  return size;
};
