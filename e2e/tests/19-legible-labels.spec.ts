import type { Page } from '@playwright/test';
import { api, expect, screenshot, signIn, test } from '../src/fixtures.ts';

const LAYERS = 10;
const WIDTH = 5;

/** 50 fast sim LLM nodes: 10 layers of 5, each fed by two nodes of the layer before; positions set. */
const fiftyNodes = (id: string) => {
  const nodes: unknown[] = [];
  const edges: Array<{ id: string; source: string; target: string }> = [];
  for (let k = 0; k < LAYERS; k++)
    for (let j = 0; j < WIDTH; j++) {
      nodes.push({
        id: `n${k}_${j}`,
        kind: 'llm',
        label: `Step ${k}.${j}`,
        prompt: `Summarise part ${j} of layer ${k}.`,
        position: { x: k * 280, y: j * 92 },
        sim: { latencyMs: 5 },
      });
      if (k > 0)
        for (const from of new Set([j, (j + 1) % WIDTH]))
          edges.push({ id: `e${k}_${j}_${from}`, source: `n${k - 1}_${from}`, target: `n${k}_${j}` });
    }
  return { id, name: 'Fifty steps', nodes, edges };
};

/**
 * Each node label in view, as the user sees it: its font size times the graph's zoom, and whether
 * it is inside the pane. Measured in the page, from the computed style and the viewport transform.
 */
const labelsOnScreen = (page: Page) =>
  page.evaluate(() => {
    const viewport = document.querySelector('.react-flow__viewport') as HTMLElement;
    const zoom = new DOMMatrixReadOnly(getComputedStyle(viewport).transform).a;
    const pane = (document.querySelector('.react-flow') as HTMLElement).getBoundingClientRect();
    const labels = [...document.querySelectorAll<HTMLElement>('.react-flow__node .lf-node-label')];
    return {
      zoom,
      labels: labels.map((el) => {
        const r = el.getBoundingClientRect();
        return {
          text: el.textContent ?? '',
          px: Number.parseFloat(getComputedStyle(el).fontSize) * zoom,
          inView:
            r.left >= pane.left && r.right <= pane.right && r.top >= pane.top && r.bottom <= pane.bottom,
        };
      }),
    };
  });

test('19 a 50-node DAG opens with node labels at least 12 px on screen, from its start; Fit View shows it whole', async ({
  page,
}) => {
  const dag = fiftyNodes('e2e-fifty-steps');
  expect([201, 409]).toContain((await api('/api/dags', { method: 'POST', body: dag })).status);

  await signIn(page, `#/editor/${dag.id}`);
  await expect(page.getByTestId('editor-node-n0_0')).toBeVisible();
  await expect(page.getByTestId('validity')).toHaveText('valid');
  await page.waitForTimeout(300); // the opening fit's viewport settles
  const opened = await labelsOnScreen(page);
  const seen = opened.labels.filter((l) => l.inView);
  // The graph's first steps are in view, and every label in view reads at 12 px or more.
  expect(seen.map((l) => l.text)).toContain('Step 0.0');
  expect(seen.length).toBeGreaterThanOrEqual(10);
  for (const l of seen) expect(l.px, l.text).toBeGreaterThanOrEqual(12);
  await screenshot(page, '19-fifty-nodes-legible');

  // Fit View shows every node, smaller.
  await page.getByRole('button', { name: 'Fit View' }).click();
  await expect
    .poll(async () => (await labelsOnScreen(page)).labels.filter((l) => l.inView).length)
    .toBe(LAYERS * WIDTH);
  expect((await labelsOnScreen(page)).zoom).toBeLessThan(opened.zoom);
  // Fitted whole in the dark theme: nodes and minimap on dark backgrounds.
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await screenshot(page, '19-fifty-nodes-fitted-dark');
});
