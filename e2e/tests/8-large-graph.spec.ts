import type { Page } from '@playwright/test';
import { api, canvas, expect, screenshot, signIn, test } from '../src/fixtures.ts';

const COL = 300;
const ROW = 90;
const LAYERS = 20;
const WIDTH = 20;

/** An approval `go`, then WIDTH chains of LAYERS fast sim LLM nodes: 401 nodes, positions set. */
const largeDag = (id: string) => {
  const nodes: unknown[] = [
    { id: 'go', kind: 'approval', prompt: 'Start?', payload: { ok: true }, position: { x: -COL, y: 0 } },
  ];
  const edges: Array<{ id: string; source: string; target: string }> = [];
  for (let k = 0; k < LAYERS; k++)
    for (let j = 0; j < WIDTH; j++) {
      const nodeId = `n${k}_${j}`;
      nodes.push({
        id: nodeId,
        kind: 'llm',
        label: `node ${k}.${j}`,
        prompt: `Summarise part ${j} of layer ${k}.`,
        position: { x: k * COL, y: j * ROW },
        sim: { latencyMs: 5 },
      });
      edges.push({ id: `e${k}_${j}`, source: k === 0 ? 'go' : `n${k - 1}_${j}`, target: nodeId });
    }
  return { id, name: 'Large graph', nodes, edges };
};

/** Where a flow position is on the screen, from the React Flow viewport's transform. */
const screenOf = async (page: Page, flow: { x: number; y: number }) => {
  const t = await page.evaluate(() => {
    const el = document.querySelector('.lf-run-graph .react-flow__viewport') as HTMLElement;
    const m = /translate\(([-\d.e]+)px, ([-\d.e]+)px\) scale\(([-\d.e]+)\)/.exec(el.style.transform);
    return m ? { x: Number(m[1]), y: Number(m[2]), zoom: Number(m[3]) } : undefined;
  });
  const box = await canvas(page).boundingBox();
  if (!t || !box) throw new Error('no viewport');
  return { x: box.x + t.x + flow.x * t.zoom, y: box.y + t.y + flow.y * t.zoom, zoom: t.zoom };
};

/** The middle of a node (210 × 64 at its position). */
const centreOf = (k: number, j: number) => ({ x: k * COL + 105, y: j * ROW + 32 });

test('8a a 401-node run: painted on a canvas when zoomed out, lanes live, click to approve, DOM when zoomed in', async ({
  page,
}) => {
  const started = await api<{ runId: string }>('/api/runs', {
    method: 'POST',
    body: { dag: largeDag('e2e-large-run') },
  });
  expect(started.status).toBe(201);
  await signIn(page, `#/run/remote/${started.body.runId}`);

  // The whole graph is in view and drawn on the canvas: no node is a DOM element.
  const graph = page.getByTestId('graph-canvas');
  await expect(graph).toHaveAttribute('data-drawn', '401');
  await expect(page.locator('.react-flow__node')).toHaveCount(0);
  await expect(page.getByTestId('count-awaiting_approval')).toHaveText('1');

  // A click on the canvas selects the node under it; the inspector approves it.
  const go = await screenOf(page, { x: -COL + 105, y: 32 });
  expect(go.zoom).toBeLessThan(0.5);
  await page.mouse.click(go.x, go.y);
  const inspector = page.getByRole('region', { name: 'Inspector' });
  await expect(inspector).toContainText('go');
  await inspector.getByRole('button', { name: 'Approve' }).click();

  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded', {
    timeout: 90_000,
  });
  await expect(page.getByTestId('count-succeeded')).toHaveText('401');
  await screenshot(page, '8a-large-run-canvas');

  // Zoom in around a node: past 50 % the graph is React Flow nodes again, culled to the view.
  const mid = await screenOf(page, centreOf(2, 2));
  await page.mouse.move(mid.x, mid.y);
  for (let i = 0; i < 3; i++) {
    await page.mouse.wheel(0, -500);
    await page.waitForTimeout(100);
  }
  await expect(graph).toHaveCount(0);
  await expect(page.getByTestId('node-n2_2')).toHaveAttribute('data-lane', 'succeeded');
  const inDom = await page.locator('.react-flow__node').count();
  expect(inDom).toBeGreaterThan(0);
  expect(inDom).toBeLessThan(100);
  await screenshot(page, '8a-large-run-zoomed-in');
});

test('8b a 401-node DAG in the editor: canvas, click a node to edit it, problems found off the main thread', async ({
  page,
}) => {
  const saved = await api('/api/dags', { method: 'POST', body: largeDag('e2e-large-dag') });
  expect(saved.status).toBe(201);
  const requests: string[] = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  await signIn(page, '#/editor/e2e-large-dag');

  await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-drawn', '401');
  // The DAG was asked for once, by the page's tiny entry before the app's code, and the app's SDK
  // took that response instead of asking again.
  const dagAt = requests.indexOf('/api/dags/e2e-large-dag');
  expect(requests.filter((p) => p === '/api/dags/e2e-large-dag')).toHaveLength(1);
  expect(dagAt).toBeLessThan(requests.findIndex((p) => /\/assets\/start-.*\.js$/.test(p)));
  await expect(page.locator('.react-flow__node')).toHaveCount(0);
  await expect(page.getByTestId('validity')).toHaveText('valid');

  const at = await screenOf(page, centreOf(5, 7));
  await page.mouse.click(at.x, at.y);
  const form = page.getByTestId('node-form');
  await expect(form.getByLabel('Id', { exact: true })).toHaveValue('n5_7');

  // A prompt naming a node that is not upstream: the worker's answer marks it.
  await form.getByLabel(/^Prompt/).fill('Compare with {{n9_9}}.');
  await expect(page.getByTestId('validity')).toHaveText('1 problem');
  await expect(page.getByTestId('problems')).toContainText('n9_9');
  await expect(page.getByTestId('run-button')).toBeDisabled();

  // Pan away and back: the pixels move and only the strips coming into view are repainted, so a
  // node that left the view and came back must be painted again, and the gaps must stay empty.
  const pane = await canvas(page).boundingBox();
  if (!pane) throw new Error('no pane');
  const from = { x: pane.x + pane.width / 2, y: pane.y + 30 };
  for (const dx of [-300, 300]) {
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + dx, from.y, { steps: 8 });
    await page.mouse.up();
  }
  const alphaAt = async (flow: { x: number; y: number }) => {
    const p = await screenOf(page, flow);
    return page.evaluate(
      ({ x, y }) => {
        const el = document.querySelector('[data-testid="graph-canvas"]') as HTMLCanvasElement;
        const r = el.getBoundingClientRect();
        const dpr = el.width / r.width;
        const ctx = el.getContext('2d') as CanvasRenderingContext2D;
        return ctx.getImageData(Math.round((x - r.left) * dpr), Math.round((y - r.top) * dpr), 1, 1).data[3];
      },
      { x: p.x, y: p.y },
    );
  };
  await expect.poll(() => alphaAt(centreOf(LAYERS - 1, 3))).toBe(255);
  expect(await alphaAt({ x: (LAYERS - 1) * COL - 35, y: 3 * ROW - 13 })).toBe(0);
  await screenshot(page, '8b-large-dag-canvas');
});
