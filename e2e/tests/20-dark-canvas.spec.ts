import type { Page } from '@playwright/test';
import { api, expect, screenshot, signIn, test } from '../src/fixtures.ts';

/** An approval `go`, then 20 chains of 15 fast sim LLM nodes: 301 nodes, positions set. */
const gatedChains = (id: string) => {
  const nodes: unknown[] = [
    { id: 'go', kind: 'approval', prompt: 'Start?', payload: { ok: true }, position: { x: -300, y: 0 } },
  ];
  const edges: Array<{ id: string; source: string; target: string }> = [];
  for (let k = 0; k < 15; k++)
    for (let j = 0; j < 20; j++) {
      nodes.push({
        id: `n${k}_${j}`,
        kind: 'llm',
        label: `node ${k}.${j}`,
        prompt: `Summarise part ${j} of layer ${k}.`,
        position: { x: k * 300, y: j * 90 },
        sim: { latencyMs: 5 },
      });
      edges.push({ id: `e${k}_${j}`, source: k === 0 ? 'go' : `n${k - 1}_${j}`, target: `n${k}_${j}` });
    }
  return { id, name: 'Dark canvas', nodes, edges };
};

/**
 * The share of the painted graph canvas's pixels that are light (luminance over 0.8) and of those
 * that are painted at all, read back from the canvas in the page.
 */
const canvasPixels = (page: Page) =>
  page.getByTestId('graph-canvas').evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const data = (c.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, c.width, c.height).data;
    let painted = 0;
    let light = 0;
    for (let i = 0; i < data.length; i += 4) {
      if ((data[i + 3] as number) < 200) continue;
      painted++;
      const lum =
        (0.2126 * (data[i] as number) + 0.7152 * (data[i + 1] as number) + 0.0722 * (data[i + 2] as number)) /
        255;
      if (lum > 0.8) light++;
    }
    return { painted, light: painted ? light / painted : 0 };
  });

test('20 dark theme: the zoomed-out graph canvas paints dark boxes, in the editor and the run view', async ({
  page,
}) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  const dag = gatedChains('e2e-dark-canvas');
  expect([201, 409]).toContain((await api('/api/dags', { method: 'POST', body: dag })).status);

  await signIn(page, `#/editor/${dag.id}`);
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-drawn', '301');
  const editor = await canvasPixels(page);
  expect(editor.painted).toBeGreaterThan(10_000);
  expect(editor.light).toBeLessThan(0.02);
  await screenshot(page, '20-dark-canvas-editor');

  const started = await api<{ runId: string }>('/api/runs', { method: 'POST', body: { dagId: dag.id } });
  expect(started.status).toBe(201);
  await page.goto(`/#/run/remote/${started.body.runId}`);
  await expect(page.getByTestId('count-awaiting_approval')).toHaveText('1');
  await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-drawn', '301');
  const run = await canvasPixels(page);
  expect(run.painted).toBeGreaterThan(10_000);
  expect(run.light).toBeLessThan(0.02);
  await screenshot(page, '20-dark-canvas-run');
  await api(`/api/runs/${started.body.runId}/cancel`, { method: 'POST' });
});
