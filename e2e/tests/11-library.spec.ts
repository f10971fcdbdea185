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

test('11b a save from an older version asks before it replaces the newer one; Cancel keeps the edits', async ({
  page,
}) => {
  const dag = { ...v1, id: 'e2e-stale', name: 'Stale brief' };
  expect((await api('/api/dags', { method: 'POST', body: dag })).status).toBe(201);
  await signIn(page, '#/dags');
  await page.getByTestId('dags-remote').getByRole('link', { name: 'Open Stale brief' }).click();
  await expect(page).toHaveURL(/#\/editor\/e2e-stale\/1$/);
  const name = page.getByRole('region', { name: 'DAG settings' }).getByLabel('Name', { exact: true });
  const save = page.getByRole('button', { name: 'Save', exact: true });
  const saved = (text: string) => page.getByRole('status').filter({ hasText: text });

  // Saves in a row from this editor each start from the one before: none of them asks.
  await name.fill('Mine');
  await save.click();
  await expect(saved('Saved e2e-stale v2 on the server.')).toBeVisible();
  await name.fill('Mine again');
  await save.click();
  await expect(saved('Saved e2e-stale v3 on the server.')).toBeVisible();

  // Someone else saves version 4 from version 3; this editor's next save started from 3 too.
  const theirs = await api('/api/dags/e2e-stale', {
    method: 'PUT',
    body: { ...dag, name: 'Theirs', version: 3 },
  });
  expect(theirs.status).toBe(200);
  await name.fill('Mine, late');
  await save.click();
  const ask = page.getByRole('alertdialog');
  await expect(ask).toContainText('e2e-stale changed since you opened it');
  await expect(ask).toContainText('was saved as version 4 after the version 3 this edit started from');
  await screenshot(page, '11-stale-save');
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('alert')).toContainText('Not saved. Your edits are still here');
  await expect(name).toHaveValue('Mine, late');
  expect((await api<{ version: number; name: string }>('/api/dags/e2e-stale')).body).toMatchObject({
    version: 4,
    name: 'Theirs',
  });

  // Saving over it is a choice; their version stays in the history.
  await save.click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Save as newest' }).click();
  await expect(saved('Saved e2e-stale v5 on the server.')).toBeVisible();
  const versions = await api<{ versions: { version: number; name: string }[] }>(
    '/api/dags/e2e-stale/versions',
  );
  expect(versions.body.versions.slice(0, 2)).toEqual([
    expect.objectContaining({ version: 5, name: 'Mine, late' }),
    expect.objectContaining({ version: 4, name: 'Theirs' }),
  ]);
});

test('11c a 128-character id wraps in the library instead of pushing the page sideways', async ({ page }) => {
  const id = `e2e-${'long'.repeat(31)}`;
  expect((await api('/api/dags', { method: 'POST', body: { ...v1, id, name: 'Long id' } })).status).toBe(201);
  await signIn(page, '#/dags');
  await expect(page.getByTestId(`dag-row-${id}`)).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeInViewport();
});
