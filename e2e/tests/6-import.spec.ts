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
  await expect(problems).toContainText(/(a → b → a|b → a → b) form a loop: remove one of its edges/);
  const unknownKind = problems.getByRole('button', {
    name: 'c is of kind "shell", which laneflow does not know: choose a kind.',
  });
  await expect(unknownKind).toBeVisible();
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

  // Clicking a problem selects its node and puts the cursor in the field that fixes it.
  await unknownKind.click();
  const form = page.getByTestId('node-form');
  await expect(form.getByTestId('form-issues')).toContainText('which laneflow does not know');
  await expect(form.getByLabel(/^Kind/)).toBeFocused();
  await screenshot(page, '6-import-bad-dag');
  // Choosing a kind fixes it: only the loop is left.
  await form.getByLabel(/^Kind/).selectOption('llm');
  await expect(unknownKind).toHaveCount(0);
  await expect(page.getByTestId('editor-node-c')).not.toHaveAttribute('data-invalid', 'true');

  // Not JSON at all: a clear message, the document untouched.
  await page.getByTestId('import-file').setInputFiles({
    name: 'broken.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{ "id": '),
  });
  await expect(page.getByRole('alert').filter({ hasText: 'broken.json is not JSON' })).toBeVisible();
  await expect(page.getByTestId('editor-node-c')).toBeVisible();

  // A JSON list is not a DAG: said in words, the document untouched.
  await page.getByTestId('import-file').setInputFiles({
    name: 'list.json',
    mimeType: 'application/json',
    buffer: Buffer.from('[1, 2, 3]'),
  });
  await expect(
    page
      .getByRole('alert')
      .filter({ hasText: 'list.json holds a list, not a DAG. A DAG file is one JSON object' }),
  ).toBeVisible();
  await expect(page.getByTestId('editor-node-c')).toBeVisible();
});
