import { expect, runNode, runResearchBrief, screenshot, signIn, test } from '../src/fixtures.ts';

test('15 dark theme follows the system and can be chosen; focus rings, legible chips, 28 px Approve', async ({
  page,
}) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await signIn(page, '#/editor');
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByTestId('validity')).toHaveText('valid');
  await screenshot(page, '15-editor-dark');

  // A node reached with Tab shows a focus ring.
  await page.getByTestId('editor-node-plan').click();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Shift+Tab');
  const ring = await page
    .locator('.react-flow__node[data-id="plan"] > .lf-node')
    .evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(ring).toBe('solid');

  await page.getByRole('navigation').getByRole('link', { name: 'DAGs' }).click();
  await expect(page.getByTestId('dags-remote')).toBeVisible();
  await screenshot(page, '15-library-dark');

  // Chosen explicitly, the theme is kept over the system's and across a reload.
  await page.getByLabel('Colour theme').selectOption('light');
  await expect(html).toHaveAttribute('data-theme', 'light');
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'light');
  await screenshot(page, '15-library-light');
  await page.getByLabel('Colour theme').selectOption('dark');

  await page.goto(`${new URL(page.url()).origin}/#/editor`);
  await runResearchBrief(page, 'local');
  const approve = runNode(page, 'review').getByRole('button', { name: 'Approve' });
  await expect(approve).toBeVisible({ timeout: 60_000 });
  // 28 px tall in the graph's own units: at 100 % zoom it is a 28 px target.
  expect(await approve.evaluate((el) => (el as HTMLElement).offsetHeight)).toBeGreaterThanOrEqual(28);
  await screenshot(page, '15-run-dark');
});
