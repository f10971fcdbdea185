import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Lane, laneStyles, lanes } from '@laneflow/core';
import { describe, expect, it } from 'vitest';

// What a node's border is drawn on in each theme, read from the stylesheet the dashboard ships.
const css = readFileSync(join(import.meta.dirname, '../src/styles.css'), 'utf8');
const nodeBackground = (selector: string): string => {
  const block = css.slice(css.indexOf(`${selector} {`));
  const m = /--node:\s*(#[0-9a-f]{6})/i.exec(block.slice(0, block.indexOf('}')));
  if (!m?.[1]) throw new Error(`no --node in ${selector}`);
  return m[1];
};
const themes = { light: nodeBackground(':root'), dark: nodeBackground(':root[data-theme="dark"]') };

const linear = (hex: string): number[] =>
  [1, 3, 5].map((i) => {
    const v = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
const luminance = (hex: string): number => {
  const [r = 0, g = 0, b = 0] = linear(hex);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const contrast = (a: string, b: string): number => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
};
/** CIE L*a*b* (D65), for a colour difference people can see. */
const lab = (hex: string): [number, number, number] => {
  const [r = 0, g = 0, b = 0] = linear(hex);
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const x = f((r * 0.4124 + g * 0.3576 + b * 0.1805) / 0.95047);
  const y = f(r * 0.2126 + g * 0.7152 + b * 0.0722);
  const z = f((r * 0.0193 + g * 0.1192 + b * 0.9505) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
};
const deltaE = (a: string, b: string): number => {
  const [p, q] = [lab(a), lab(b)];
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
};

describe('lane colours', () => {
  it.each(Object.entries(themes))('every lane border reads at 3:1 on the %s theme node', (_, bg) => {
    const low = lanes.filter((l) => contrast(laneStyles[l].color, bg) < 3);
    expect(low).toEqual([]);
  });

  it('every two lanes differ by a visible colour difference (ΔE ≥ 10), not only by icon', () => {
    const close: string[] = [];
    lanes.forEach((a: Lane, i) => {
      for (const b of lanes.slice(i + 1))
        if (deltaE(laneStyles[a].color, laneStyles[b].color) < 10) close.push(`${a}/${b}`);
    });
    expect(close).toEqual([]);
  });

  it('no two lanes share an icon or a glyph', () => {
    expect(new Set(lanes.map((l) => laneStyles[l].icon)).size).toBe(lanes.length);
    expect(new Set(lanes.map((l) => laneStyles[l].glyph)).size).toBe(lanes.length);
  });
});
