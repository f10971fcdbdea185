import type { Page } from '@playwright/test';
import { expect, runNode, runResearchBrief, screenshot, signIn, test } from '../src/fixtures.ts';

/** Every signal on the page's timeline: the count shown and the replay bar's total agree, 1..n. */
const expectGapFree = async (page: Page) => {
  const timeline = page.getByRole('region', { name: 'Timeline' });
  await timeline.getByLabel('All signals').check();
  const position = (await page.getByTestId('replay-position').textContent()) ?? '';
  const m = /^(\d+) \/ (\d+)/.exec(position);
  expect(m, position).not.toBeNull();
  expect(m?.[1]).toBe(m?.[2]);
  await expect(timeline.getByTestId('timeline-count')).toHaveText(`${m?.[2]} shown`);
};

test('14a a browser run reloaded mid-run continues, takes the approval after the reload and succeeds', async ({
  page,
}) => {
  await signIn(page, '#/editor');
  const runId = await runResearchBrief(page, 'local');
  // Reload while the research strands are still working: nothing is awaiting approval yet.
  await expect(runNode(page, 'plan')).toHaveAttribute('data-lane', /running|succeeded/);
  await expect(runNode(page, 'review')).toHaveAttribute('data-lane', 'queued');
  await page.reload();

  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'running');
  expect(page.url()).toContain(runId);
  await expect(page.locator('.lf-error')).toHaveCount(0);
  const review = runNode(page, 'review');
  await expect(review).toHaveAttribute('data-lane', 'awaiting_approval', { timeout: 60_000 });
  await review.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded');
  for (const id of ['plan', 'tech', 'regulation', 'outline', 'draft', 'review', 'publish'])
    await expect(runNode(page, id), id).toHaveAttribute('data-lane', 'succeeded');
  await expectGapFree(page);

  // Reloading the finished run shows it as it ended.
  await page.reload();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded');
  await screenshot(page, '14a-browser-run-reloaded-complete');
});

test('14b two tabs on one browser run: the second follows live and either can decide', async ({
  page,
  context,
}) => {
  await signIn(page, '#/editor');
  const runId = await runResearchBrief(page, 'local');
  const second = await context.newPage();
  await second.goto(`/#/run/local/${encodeURIComponent(runId)}`);
  await expect(second.getByTestId('run-status')).toHaveAttribute('data-status', 'running');

  // Both tabs see the approval arrive, live.
  for (const tab of [page, second])
    await expect(runNode(tab, 'review')).toHaveAttribute('data-lane', 'awaiting_approval', {
      timeout: 60_000,
    });
  // The second tab decides; the first follows to the end.
  await runNode(second, 'review').getByRole('button', { name: 'Approve' }).click();
  for (const tab of [second, page])
    await expect(tab.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded');
  await expect(runNode(page, 'review')).toHaveAttribute('data-lane', 'succeeded');
  await expectGapFree(page);
  await screenshot(second, '14b-second-tab-decided');

  // A reload of one tab, the other still open, keeps the run (one engine serves both).
  await page.reload();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded');
  await second.close();
});
