import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, runResearchBrief, signIn, test } from '../src/fixtures.ts';

/** Serious and critical axe violations on the page as it is, as `rule: first targets` lines. */
const serious = async (page: Page): Promise<string[]> => {
  const r = await new AxeBuilder({ page }).analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id}: ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(', ')}`,
    );
};

for (const scheme of ['light', 'dark'] as const)
  test(`16 axe: editor, library, runs, approvals and run view have no serious violations (${scheme})`, async ({
    page,
  }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await signIn(page, '#/editor');
    await expect(page.getByTestId('validity')).toHaveText('valid');
    expect(await serious(page), 'editor').toEqual([]);
    const origin = new URL(page.url()).origin;
    await page.goto(`${origin}/#/dags`);
    await expect(page.getByTestId('dags-remote')).toBeVisible();
    expect(await serious(page), 'library').toEqual([]);
    await page.goto(`${origin}/#/runs`);
    await expect(page.getByTestId('runs-local')).toBeVisible();
    expect(await serious(page), 'runs').toEqual([]);
    await page.goto(`${origin}/#/approvals`);
    await expect(page.getByRole('heading').first()).toBeVisible();
    expect(await serious(page), 'approvals').toEqual([]);
    await page.goto(`${origin}/#/editor`);
    await runResearchBrief(page, 'local');
    await expect(page.getByTestId('node-review')).toHaveAttribute('data-lane', 'awaiting_approval', {
      timeout: 60_000,
    });
    expect(await serious(page), 'run view').toEqual([]);
  });
