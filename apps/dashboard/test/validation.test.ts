import type { Issue } from '@laneflow/core';
import { renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type EditorDoc, toEditorDoc } from '../src/editor/doc.ts';
import { useValidation } from '../src/editor/use-validation.ts';
import { CHECK_QUIET_MS, createValidator } from '../src/editor/validator.ts';
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

describe('createValidator (a large document, in a Web Worker)', () => {
  class FakeWorker {
    static made: FakeWorker[] = [];
    onmessage?: (e: { data: Issue[] }) => void;
    onerror?: () => void;
    posted: string[] = [];
    constructor() {
      FakeWorker.made.push(this);
    }
    postMessage(m: string) {
      this.posted.push(m);
    }
    terminate() {}
  }
  const setup = () => {
    FakeWorker.made = [];
    vi.stubGlobal('Worker', FakeWorker);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const results: Array<{ doc: EditorDoc; issues: Issue[] }> = [];
    const v = createValidator((d, issues) => results.push({ doc: d, issues }));
    return { v, results, worker: FakeWorker.made[0] as FakeWorker };
  };
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('sends only the latest of several versions, once the user pauses', () => {
    const { v, results, worker } = setup();
    const edited = { ...doc, name: 'edited' };
    v.check(doc);
    v.check(edited);
    vi.advanceTimersByTime(CHECK_QUIET_MS - 1);
    expect(worker.posted).toEqual([]);
    // (Long enough whatever input the earlier tests left on record.)
    vi.advanceTimersByTime(5_000);
    expect(worker.posted.map((m) => JSON.parse(m).name)).toEqual(['edited']);
    worker.onmessage?.({ data: [] });
    expect(results).toEqual([{ doc: edited, issues: [] }]);
  });

  it('checks in the page when the worker cannot start, even before anything was sent', () => {
    const { v, results, worker } = setup();
    worker.onerror?.();
    expect(results).toEqual([]);
    v.check(doc);
    vi.advanceTimersByTime(5_000);
    expect(worker.posted).toEqual([]);
    expect(results.map((r) => r.issues.map((i) => i.code))).toEqual([['bad_reference']]);
  });
});
