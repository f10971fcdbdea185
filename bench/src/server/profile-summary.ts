/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof` or the stream bench's `--profile`): self time
 * by area (package / node internals / laneflow source) and the top functions by self time.
 *
 *   tsx src/server/profile-summary.ts <file.cpuprofile> [top=30]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export const areaOf = (url: string, fn: string): string => {
  if (!url)
    return fn === '(garbage collector)'
      ? 'GC'
      : fn === '(idle)'
        ? 'idle'
        : fn === '(program)'
          ? 'program (native)'
          : `native: ${fn || '(anonymous)'}`;
  const pkg =
    url.match(/node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/) ??
    url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1] as string;
  if (url.startsWith('node:')) {
    const m = url.match(/^node:internal\/(?:deps\/)?([^/]+(?:\/[^/]+)?)/);
    return `node:${m ? m[1] : url.slice(5)}`;
  }
  const src = url.match(/(apps|packages)\/([^/]+)\/src\/(.+)$/);
  if (src) return `laneflow ${src[2]}/${src[3]}`;
  return url.replace(/^file:\/\//, '');
};

export const summarise = (profile: Profile, top = 30) => {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  let total = 0;
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id) as ProfileNode;
    total += us;
    const area = areaOf(n.callFrame.url, n.callFrame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const key = `${n.callFrame.functionName || '(anonymous)'} ${area}:${n.callFrame.lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
  }
  const sorted = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([k, us]) => ({ name: k, ms: us / 1000, pct: (us / total) * 100 }));
  return { totalMs: total / 1000, areas: sorted(areas), functions: sorted(fns).slice(0, top) };
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]');
  const s = summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(process.argv[3] ?? 30));
  console.log(`total sampled: ${s.totalMs.toFixed(0)} ms`);
  console.log('\nself time by area');
  for (const a of s.areas.slice(0, 25))
    console.log(`${a.pct.toFixed(1).padStart(5)}%  ${a.ms.toFixed(0).padStart(7)} ms  ${a.name}`);
  console.log('\ntop functions by self time');
  for (const f of s.functions)
    console.log(`${f.pct.toFixed(1).padStart(5)}%  ${f.ms.toFixed(0).padStart(7)} ms  ${f.name}`);
}
