import { api, expect, screenshot, signIn, test } from '../src/fixtures.ts';

const v1 = {
  id: 'e2e-library',
  name: 'Library brief',
  nodes: [
    { id: 'plan', kind: 'llm', prompt: 'Plan {{inputs.topic}}', position: { x: 0, y: 0 } },
    { id: 'write', kind: 'llm', prompt: 'Write {{plan}}', position: { x: 300, y: 0 } },
  ],
  edges: [{ source: 'plan', target: 'write' }],
};
const v2 = {
  ...v1,
  nodes: [
    v1.nodes[0],
    { ...v1.nodes[1], prompt: 'Write {{plan}} in one page' },
    { id: 'check', kind: 'approval', prompt: 'Publish?', position: { x: 600, y: 0 } },
  ],
  edges: [...v1.edges, { source: 'write', target: 'check' }],
};

test('11 the DAG library: find, versions with changes, restore, open by link, duplicate, delete', async ({
  page,
}) => {
  expect((await api('/api/dags', { method: 'POST', body: v1 })).status).toBe(201);
  expect((await api('/api/dags/e2e-library', { method: 'PUT', body: v2 })).status).toBe(200);

  await signIn(page, '#/editor');
  await page.getByRole('navigation').getByRole('link', { name: 'DAGs' }).click();
  await expect(page).toHaveURL(/#\/dags$/);
  const server = page.getByTestId('dags-remote');
  await expect(server.getByTestId('dag-row-e2e-library')).toContainText('v2');
  await expect(server.getByTestId('dag-row-research-brief')).toBeVisible();
  await page.getByLabel('Search DAGs').fill('library br');
  await expect(server.getByTestId('dag-row-research-brief')).toHaveCount(0);
  await expect(server.getByTestId('dag-row-e2e-library')).toBeVisible();
  await screenshot(page, '11-library');

  await server.getByRole('link', { name: 'Versions of Library brief' }).click();
  const versions = page.getByTestId('versions');
  await versions.getByRole('button', { name: 'Changes from v1' }).click();
  const diff = versions.getByTestId('diff');
  await expect(diff).toContainText('Added node check');
  await expect(diff).toContainText('prompt: “Write {{plan}}” → “Write {{plan}} in one page”');
  await expect(diff).toContainText('Added edge write → check');
  await screenshot(page, '11-library-versions');
  // The theme follows the system's as it changes.
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await screenshot(page, '11-library-versions-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  await versions.getByRole('button', { name: 'Restore v1' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Restore' }).click();
  await expect(versions.getByRole('status')).toHaveText('Restored version 1 as version 3.');
  await expect(versions.getByTestId('version-3')).toContainText('2 nodes');
  const restored = await api<{ version: number; spec: { nodes: unknown[] } }>('/api/dags/e2e-library');
  expect(restored.body.version).toBe(3);
  expect(restored.body.spec.nodes).toHaveLength(2);

  // Open by link: the editor's URL names the DAG and its version.
  await server.getByRole('link', { name: 'Open Library brief' }).click();
  await expect(page).toHaveURL(/#\/editor\/e2e-library\/3$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Library brief');
  await expect(page.locator('.react-flow__node')).toHaveCount(2);
  // An older version by its link.
  await page.goto(`${new URL(page.url()).origin}/#/editor/e2e-library/2`);
  await expect(page.locator('.react-flow__node')).toHaveCount(3);

  await page.goto(`${new URL(page.url()).origin}/#/dags`);
  await server.getByRole('button', { name: 'Duplicate Library brief' }).click();
  await expect(server.getByRole('status')).toHaveText('Duplicated “Library brief” as e2e-library-copy.');
  await expect(server.getByTestId('dag-row-e2e-library-copy')).toContainText('Library brief (copy)');
  await server.getByRole('button', { name: 'Delete Library brief (copy)' }).click();
  await expect(page.getByRole('alertdialog')).toContainText('Delete “Library brief (copy)”?');
  await page.getByRole('alertdialog').getByRole('button', { name: 'Delete DAG' }).click();
  await expect(server.getByTestId('dag-row-e2e-library-copy')).toHaveCount(0);
  expect((await api('/api/dags/e2e-library-copy')).status).toBe(404);
});
