import { renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { toEditorDoc } from '../src/editor/doc.ts';
import { useValidation } from '../src/editor/use-validation.ts';
import { whenInputIdle } from '../src/ui/input-idle.ts';

// `b` reads `{{c}}`, which is downstream of it: one problem, if anyone looks.
const doc = toEditorDoc({
  id: 'd',
  nodes: [
    { id: 'a', kind: 'llm', prompt: 'Hi' },
    { id: 'b', kind: 'llm', prompt: 'Use {{c}}' },
    { id: 'c', kind: 'llm', prompt: '{{a}}' },
  ],
  edges: [
    { source: 'a', target: 'b' },
    { source: 'b', target: 'c' },
  ],
});

describe('useValidation', () => {
  it('takes a document opened from a store as valid, and checks it again once edited', () => {
    const { result, rerender } = renderHook(({ d }) => useValidation(d, doc), { initialProps: { d: doc } });
    expect(result.current).toEqual({ issues: [], pending: false });
    rerender({ d: { ...doc, name: 'edited' } });
    expect(result.current.issues.map((i) => i.code)).toEqual(['bad_reference']);
  });

  it('checks a document that did not come from a store', () => {
    const { result } = renderHook(() => useValidation(doc));
    expect(result.current.issues).toHaveLength(1);
  });
});

describe('whenInputIdle', () => {
  afterEach(() => vi.useRealTimers());

  it('waits for the quiet period, and for as long as the user keeps dragging', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const fn = vi.fn();
    whenInputIdle(300, fn);
    vi.advanceTimersByTime(200);
    window.dispatchEvent(new PointerEvent('pointerdown'));
    vi.advanceTimersByTime(200);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(50);
    window.dispatchEvent(new PointerEvent('pointermove', { buttons: 1 }));
    vi.advanceTimersByTime(250);
    expect(fn).not.toHaveBeenCalled();
    // Hovering is not input; a held button (above) is.
    window.dispatchEvent(new PointerEvent('pointermove', { buttons: 0 }));
    vi.advanceTimersByTime(60);
    expect(fn).toHaveBeenCalledOnce();
  });

  it('can be cancelled', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const fn = vi.fn();
    whenInputIdle(100, fn)();
    vi.advanceTimersByTime(500);
    expect(fn).not.toHaveBeenCalled();
  });
});
