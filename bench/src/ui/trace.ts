/**
 * A small Chrome-trace summary: main-thread (CrRendererMain) time by event name, top-level tasks
 * only for the total, and the heaviest JS call sites (FunctionCall by function/url).
 */
import { readFileSync } from 'node:fs';

interface Ev {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: {
    name?: string;
    data?: { functionName?: string; url?: string; lineNumber?: number; type?: string };
  };
}

export const summariseTrace = (path: string): string => {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as { traceEvents?: Ev[] } | Ev[];
  const events = Array.isArray(raw) ? raw : (raw.traceEvents ?? []);
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) return '(no renderer main thread in the trace)';
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur);
  const byName = new Map<string, { n: number; ms: number }>();
  const add = (m: Map<string, { n: number; ms: number }>, k: string, d: number) => {
    const x = m.get(k) ?? { n: 0, ms: 0 };
    x.n++;
    x.ms += d / 1000;
    m.set(k, x);
  };
  for (const e of onMain) add(byName, e.name, e.dur as number);
  const calls = new Map<string, { n: number; ms: number }>();
  for (const e of onMain)
    if (e.name === 'FunctionCall' || e.name === 'EventDispatch' || e.name === 'FireAnimationFrame') {
      const d = e.args?.data;
      const k = `${e.name} ${d?.type ?? ''} ${d?.functionName ?? ''} ${(d?.url ?? '').split('/').pop()}:${d?.lineNumber ?? ''}`;
      add(calls, k, e.dur as number);
    }
  const tasks = byName.get('RunTask');
  const span = onMain.length
    ? (Math.max(...onMain.map((e) => e.ts + (e.dur as number))) - Math.min(...onMain.map((e) => e.ts))) / 1000
    : 0;
  const top = (m: Map<string, { n: number; ms: number }>, k: number) =>
    [...m.entries()]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, k)
      .map(([name, x]) => `| ${name} | ${x.n} | ${x.ms.toFixed(0)} |`)
      .join('\n');
  return [
    `window ${span.toFixed(0)} ms; main-thread tasks (RunTask) ${tasks?.ms.toFixed(0) ?? '?'} ms in ${tasks?.n ?? '?'} tasks`,
    '',
    '| event (inclusive, nested events counted in their parents too) | count | ms |\n|---|---|---|',
    top(byName, 18),
    '',
    '| JS entry point | count | ms |\n|---|---|---|',
    top(calls, 10),
  ].join('\n');
};

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
/** Top self-time functions of a V8 CPU profile (CDP `Profiler.stop`). */
export const summariseProfile = (
  profile: {
    nodes: ProfileNode[];
    startTime: number;
    endTime: number;
    samples?: number[];
    timeDeltas?: number[];
  },
  k = 25,
): string => {
  const total = (profile.samples?.length ?? 0) || 1;
  const ms = (profile.endTime - profile.startTime) / 1000;
  const self = new Map<string, number>();
  for (const n of profile.nodes) {
    const f = n.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (n.hitCount ?? 0));
  }
  return [
    `profile ${ms.toFixed(0)} ms, ${total} samples`,
    '',
    '| function (self time) | % of samples | ~ms |\n|---|---|---|',
    ...[...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([key, h]) => `| ${key} | ${((100 * h) / total).toFixed(1)} | ${((h / total) * ms).toFixed(0)} |`),
  ].join('\n');
};
