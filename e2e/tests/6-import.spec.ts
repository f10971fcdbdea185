import { expect, screenshot, test } from '../src/fixtures.ts';

const bad = {
  id: 'bad-import',
  name: 'Bad import',
  nodes: [
    { id: 'a', kind: 'llm', prompt: 'first', position: { x: 0, y: 0 } },
    { id: 'b', kind: 'llm', prompt: 'second', position: { x: 300, y: 0 } },
    { id: 'c', kind: 'shell', command: 'rm -rf /', position: { x: 150, y: 180 } },
  ],
  edges: [
    { source: 'a', target: 'b' },
    { source: 'b', target: 'a' },
  ],
};

test('6 import a bad DAG: cycle and unknown kind are named, the nodes marked invalid', async ({ page }) => {
  await page.goto('/#/editor');
  await expect(page.getByTestId('validity')).toHaveText('valid'); // the starting template
  await page.getByTestId('import-file').setInputFiles({
    name: 'bad.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(bad)),
  });

  await expect(page.getByTestId('validity')).toHaveText(/^\d+ problems?$/);
  const problems = page.getByTestId('problems');
  await expect(problems).toContainText(/cycle: (a → b → a|b → a → b)/);
  await expect(problems.locator('code', { hasText: /^nodes\.2\.kind$/ })).toBeVisible();
  const count = await problems.locator('li').count();
  await expect(page.getByTestId('validity')).toHaveText(`${count} problem${count > 1 ? 's' : ''}`);

  for (const id of ['a', 'b', 'c'])
    await expect(page.getByTestId(`editor-node-${id}`), id).toHaveAttribute('data-invalid', 'true');
  await expect(page.getByTestId('editor-node-c').getByTestId('node-issues')).toBeVisible();
  // The cycle's edges are drawn in red.
  await expect(
    page.locator('.react-flow__edge path[style*="220, 38, 38"], .react-flow__edge path[style*="#dc2626"]'),
  ).toHaveCount(2);
  // An invalid DAG can be neither saved nor run.
  await expect(page.getByRole('button', { name: 'Save', exact: true })).toBeDisabled();
  await expect(page.getByTestId('run-button')).toBeDisabled();

  // Selecting the unknown-kind node shows its own problem in the form.
  await page.getByTestId('editor-node-c').click();
  await expect(page.getByTestId('form-issues')).toContainText('nodes.2.kind');
  await screenshot(page, '6-import-bad-dag');

  // Not JSON at all: a clear message, the document untouched.
  await page.getByTestId('import-file').setInputFiles({
    name: 'broken.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{ "id": '),
  });
  await expect(page.getByRole('alert').filter({ hasText: 'broken.json is not JSON' })).toBeVisible();
  await expect(page.getByTestId('editor-node-c')).toBeVisible();
});
