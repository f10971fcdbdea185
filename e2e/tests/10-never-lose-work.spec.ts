import { expect, screenshot, test } from '../src/fixtures.ts';

test('10 never lose work: a reload offers the draft back, New asks first and is undoable', async ({
  page,
}) => {
  await page.goto('/#/editor');
  await expect(page.getByTestId('validity')).toHaveText('valid');
  const settings = page.getByRole('region', { name: 'DAG settings' });
  await settings.getByLabel('Name', { exact: true }).fill('Brief with my edits');

  // Leaving the page with unsaved edits is warned about; the edits are kept as a draft anyway.
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.type());
    void d.accept();
  });
  await page.waitForTimeout(800); // the draft is written once typing pauses
  await page.reload();
  expect(dialogs).toEqual(['beforeunload']);

  const offer = page.getByTestId('draft-offer');
  await expect(offer).toContainText('Unsaved edits to Brief with my edits');
  await screenshot(page, '10-draft-offered');
  await offer.getByRole('button', { name: 'Restore edits' }).click();
  await expect(offer).toHaveCount(0);
  await expect(settings.getByLabel('Name', { exact: true })).toHaveValue('Brief with my edits');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Brief with my edits');

  // New asks before the edits go; Cancel keeps everything. (Fitted whole, all 9 of the Research
  // brief's nodes are on the canvas; it opens larger, its last steps out of view.)
  await page.getByRole('button', { name: 'Fit View' }).click();
  const nodes = 9;
  await expect(page.locator('.react-flow__node')).toHaveCount(nodes);
  await page.getByRole('button', { name: 'New', exact: true }).click();
  const confirm = page.getByRole('alertdialog');
  await expect(confirm).toContainText(
    '"Brief with my edits" has edits that are not saved. A new DAG replaces them.',
  );
  await screenshot(page, '10-confirm-new');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toHaveCount(0);
  await expect(page.locator('.react-flow__node')).toHaveCount(nodes);

  await page.getByRole('button', { name: 'New', exact: true }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Discard edits' }).click();
  await expect(page.locator('.react-flow__node')).toHaveCount(0);
  // New is one undo step: the edited DAG comes back.
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Brief with my edits');
  await page.getByRole('button', { name: 'Fit View' }).click();
  await expect(page.locator('.react-flow__node')).toHaveCount(nodes);
});

test('10b saving names the DAG and its version in the URL; a link to a missing DAG says so', async ({
  page,
}) => {
  await page.goto('/#/editor');
  const settings = page.getByRole('region', { name: 'DAG settings' });
  await settings.getByLabel('Id', { exact: true }).fill('e2e-url-named');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved e2e-url-named v1' })).toBeVisible();
  await expect(page).toHaveURL(/#\/editor\/e2e-url-named\/1$/);
  // Reloading the link opens the same DAG, with nothing to offer back.
  await page.reload();
  await expect(
    page.getByRole('region', { name: 'DAG settings' }).getByLabel('Id', { exact: true }),
  ).toHaveValue('e2e-url-named');
  await expect(page.getByTestId('draft-offer')).toHaveCount(0);

  await page.goto('/#/editor/no-such-dag');
  await expect(page.getByRole('heading', { name: 'No DAG called “no-such-dag”' })).toBeVisible();
  await screenshot(page, '10-missing-dag');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await screenshot(page, '10-missing-dag-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByRole('link', { name: 'Open the DAG library' }).click();
  await expect(page).toHaveURL(/#\/dags$/);
  await expect(page.getByTestId('dags-local')).toContainText('e2e-url-named');

  // A link to a run that is not there says so too, and leads on to the runs.
  await page.goto(`${new URL(page.url()).origin}/#/run/local/no-such-run`);
  await expect(page.getByRole('heading', { name: 'No run “no-such-run”' })).toBeVisible();
  await expect(page.getByTestId('missing-run')).toContainText(
    'There is no run with this id in this browser.',
  );
  await page.getByRole('link', { name: 'Open the runs list' }).click();
  await expect(page).toHaveURL(/#\/runs$/);
});
