import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, runResearchBrief, signIn, test } from '../src/fixtures.ts';

/** Moderate, serious and critical axe violations on the page as it is, as `rule: first targets` lines. */
const violations = async (page: Page): Promise<string[]> => {
  const r = await new AxeBuilder({ page }).analyze();
  return r.violations
    .filter((v) => v.impact !== 'minor')
    .map(
      (v) =>
        `${v.id}: ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(', ')}`,
    );
};

for (const scheme of ['light', 'dark'] as const)
  test(`16 axe: editor, library, runs, connection, approvals and run view have no moderate or worse violations (${scheme})`, async ({
    page,
  }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await signIn(page, '#/editor');
    await expect(page.getByTestId('validity')).toHaveText('valid');
    expect.soft(await violations(page), 'editor').toEqual([]);
    const origin = new URL(page.url()).origin;
    await page.goto(`${origin}/#/dags`);
    await expect(page.getByTestId('dags-remote')).toBeVisible();
    expect.soft(await violations(page), 'library').toEqual([]);
    await page.goto(`${origin}/#/runs`);
    await expect(page.getByTestId('runs-local')).toBeVisible();
    expect.soft(await violations(page), 'runs').toEqual([]);
    await page.goto(`${origin}/#/connect`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Server connection');
    expect.soft(await violations(page), 'connection').toEqual([]);
    await page.goto(`${origin}/#/approvals`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Approvals');
    expect.soft(await violations(page), 'approvals').toEqual([]);
    await page.goto(`${origin}/#/editor`);
    await runResearchBrief(page, 'local');
    await expect(page.getByTestId('node-review')).toHaveAttribute('data-lane', 'awaiting_approval', {
      timeout: 60_000,
    });
    expect.soft(await violations(page), 'run view').toEqual([]);
  });
