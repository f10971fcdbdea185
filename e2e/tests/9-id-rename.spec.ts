import { expect, screenshot, test } from '../src/fixtures.ts';

test('9 rename a node id: typing and Backspace edit the text, Enter renames it and every reference', async ({
  page,
}) => {
  await page.goto('/#/editor');
  await page.getByLabel('Templates').selectOption('research-brief');
  await page.getByTestId('editor-node-plan').click();
  const form = page.getByTestId('node-form');
  const id = form.getByLabel('Id', { exact: true });
  await expect(id).toHaveValue('plan');
  const nodes = await page.locator('.react-flow__node').count();
  const edges = await page.locator('.react-flow__edge').count();

  await id.click();
  await id.press('End');
  await id.press('Backspace');
  await id.press('Backspace');
  await id.press('Backspace');
  await id.press('Backspace');
  await id.pressSequentially('scopee');
  await id.press('Backspace');
  // Nothing renamed or deleted while typing.
  await expect(page.getByTestId('editor-node-plan')).toBeVisible();
  await expect(page.locator('.react-flow__node')).toHaveCount(nodes);
  await id.press('Enter');

  await expect(page.getByTestId('editor-node-scope')).toBeVisible();
  await expect(page.getByTestId('editor-node-plan')).toHaveCount(0);
  await expect(page.locator('.react-flow__node')).toHaveCount(nodes);
  await expect(page.locator('.react-flow__edge')).toHaveCount(edges);
  // The field still has the focus: Backspace edits it, never the graph.
  await expect(form.getByLabel('Id', { exact: true })).toBeFocused();
  await page.keyboard.press('Backspace');
  await expect(form.getByLabel('Id', { exact: true })).toHaveValue('scop');
  await expect(page.locator('.react-flow__node')).toHaveCount(nodes);
  await page.keyboard.press('Escape');
  await expect(form.getByLabel('Id', { exact: true })).toHaveValue('scope');
  // References were renamed, so the DAG stays valid.
  await expect(page.getByTestId('validity')).toHaveText('valid');

  // A clash is refused in words, and nothing changes.
  await form.getByLabel('Id', { exact: true }).fill('market');
  await form.getByLabel('Id', { exact: true }).press('Enter');
  await expect(form.getByRole('alert')).toHaveText('Another node is already called "market".');
  await expect(page.getByTestId('editor-node-scope')).toBeVisible();
  await screenshot(page, '9-id-rename');
});
