import type { Page } from '@playwright/test';
import {
  api,
  canvas,
  connectNodes,
  dropKind,
  expect,
  runNode,
  screenshot,
  signIn,
  test,
  waitForRunView,
} from '../src/fixtures.ts';

/** New DAG → two llm nodes dropped from the palette → connected → prompts edited → valid. */
const author = async (page: Page, dagId: string) => {
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await expect(page.locator('.react-flow__node')).toHaveCount(0);
  await page.getByRole('region', { name: 'DAG settings' }).getByLabel('Id', { exact: true }).fill(dagId);

  await dropKind(page, 'llm', 200, 200);
  await expect(page.getByTestId('editor-node-llm1')).toBeVisible();
  await dropKind(page, 'llm', 550, 320);
  await expect(page.getByTestId('editor-node-llm2')).toBeVisible();
  // A fresh node is valid as it is.
  await expect(page.getByTestId('validity')).toHaveText('valid');
  await expect(page.locator('[data-invalid="true"]')).toHaveCount(0);

  await connectNodes(page, 'llm1', 'llm2');
  await expect(page.locator('.react-flow__edge')).toHaveCount(1);

  // Edit the prompts in the node form (select a node by clicking it).
  const prompt = page.getByTestId('node-form').getByLabel(/^Prompt/);
  await page.getByTestId('editor-node-llm1').click();
  await expect(page.getByTestId('node-form')).toContainText('llm node');
  await prompt.fill('List three facts about {{inputs.topic}}.');
  await page.getByTestId('editor-node-llm2').click();
  await expect(page.getByTestId('node-form').getByLabel('Id', { exact: true })).toHaveValue('llm2');
  await prompt.fill('Summarise these facts in one line: {{llm1}}');

  await expect(page.getByTestId('validity')).toHaveText('valid');
  await expect(page.getByTestId('problems')).toHaveCount(0);
  await expect(page.locator('[data-invalid="true"]')).toHaveCount(0);
};

const runInBrowserAndWatch = async (page: Page) => {
  await page.getByLabel('Run on').selectOption('local');
  await page.getByTestId('run-button').click();
  await waitForRunView(page, 'local');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded');
  for (const id of ['llm1', 'llm2'])
    await expect(runNode(page, id)).toHaveAttribute('data-lane', 'succeeded');
  await expect(page.locator('.react-flow__node [data-lane]')).toHaveCount(2);
  await expect(page.getByTestId('count-succeeded')).toHaveText('2');
};

test('1a author a DAG in the browser: drop, connect, edit, validate, save locally, run', async ({ page }) => {
  await page.goto('/#/editor');
  await expect(page.getByTestId('connection')).toContainText('Not connected');
  await expect(canvas(page)).toBeVisible();
  await author(page, 'e2e-authored-local');

  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText('Saved e2e-authored-local v1 in this browser.');

  await runInBrowserAndWatch(page);
  await screenshot(page, '1-author-run-in-browser');
});

test('1b author a DAG signed in: save on the server (checked through the API), run in the browser', async ({
  page,
}) => {
  await signIn(page, '#/editor');
  await author(page, 'e2e-authored-remote');
  await page.getByLabel('Run on').selectOption('remote');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText('Saved e2e-authored-remote v1 on the server.');
  await screenshot(page, '1-author-saved-on-server');

  const stored = await api<{
    id: string;
    version: number;
    spec: {
      nodes: Array<{ id: string; kind: string; prompt?: string }>;
      edges: Array<{ source: string; target: string }>;
    };
  }>('/api/dags/e2e-authored-remote');
  expect(stored.status).toBe(200);
  expect(stored.body.version).toBe(1);
  expect(stored.body.spec.nodes.map((n) => [n.id, n.kind])).toEqual([
    ['llm1', 'llm'],
    ['llm2', 'llm'],
  ]);
  expect(stored.body.spec.nodes[1]?.prompt).toBe('Summarise these facts in one line: {{llm1}}');
  expect(stored.body.spec.edges).toEqual([{ source: 'llm1', target: 'llm2' }]);

  await runInBrowserAndWatch(page);
});
