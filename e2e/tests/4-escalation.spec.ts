import type { Page } from '@playwright/test';
import {
  expect,
  runNode,
  runResearchBrief,
  screenshot,
  signIn,
  startResearchBrief,
  test,
} from '../src/fixtures.ts';

/** The market strand escalates; its escalation event opens in the inspector with its payload. */
const inspectEscalation = async (page: Page) => {
  await expect(runNode(page, 'market')).toHaveAttribute('data-lane', 'escalated');
  const child = runNode(page, 'market@t1');
  await expect(child).toBeVisible();
  await expect(child).toHaveAttribute('data-lane', /running|succeeded/);
  // The escalation edge to the child is labelled with the tier it went to.
  await expect(page.locator('.react-flow__edge-text', { hasText: '↑ tier 1' })).toBeVisible();

  // Only escalations on the timeline, then pick the request.
  const timeline = page.getByRole('region', { name: 'Timeline' });
  const filters = timeline.getByRole('toolbar', { name: 'Timeline filters' });
  await filters.getByRole('button', { name: 'Escalation' }).click();
  await expect(filters.getByRole('button', { name: 'Confidence' })).toHaveAttribute('aria-pressed', 'false');
  await expect(filters.getByRole('button', { name: 'Escalation' })).toHaveAttribute('aria-pressed', 'true');
  const rows = timeline.locator('.lf-trow');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toHaveAttribute('data-kind', 'escalation');
  const request = rows.filter({ hasText: 'escalation.requested' });
  await expect(request).toContainText('Research: market');
  await request.click();
  await expect(request).toHaveAttribute('aria-pressed', 'true');

  const details = page.getByTestId('event-details');
  await expect(details).toContainText('escalation.requested');
  await expect(details).toContainText('low_confidence');
  // Ratings against the gate's target, as bars.
  await expect(details.getByTestId('rating-evidence')).toContainText('0.55');
  await expect(details.getByTestId('rating-evidence')).toHaveAttribute('data-passed', 'false');
  // The payload: the signal as a JSON tree, the request open, its ratings one click away.
  const payload = details.getByTestId('json-tree').filter({ hasText: 'signal:' });
  await expect(payload).toContainText('type: "escalation.requested"');
  await expect(payload).toContainText('nodeId: "market"');
  await expect(payload).toContainText(/reason: ".+"/);
  await expect(payload).toContainText('trigger: "low_confidence"');
  await payload.getByRole('button', { name: 'Expand ratings' }).click();
  for (const [k, v] of [
    ['correctness', '0.8'],
    ['completeness', '0.6'],
    ['evidence', '0.55'],
    ['risk', '0.85'],
  ])
    await expect(payload).toContainText(`${k}: ${v}`);
  // The lineage: the chain from market to its tier-1 child.
  await expect(details.getByTestId('lineage')).toContainText('Research: market');
  await expect(details.getByTestId('lineage').locator('li li')).toHaveCount(1);
};

test('4a escalation on the server: timeline event → payload in the inspector', async ({ page }) => {
  const runId = await startResearchBrief();
  await signIn(page, `#/run/remote/${runId}`);
  await inspectEscalation(page);
  await screenshot(page, '4-escalation-payload-server');
});

test('4b escalation in the browser: timeline event → payload in the inspector', async ({ page }) => {
  await page.goto('/#/editor');
  await runResearchBrief(page, 'local');
  await expect(page.getByText('in this browser', { exact: true })).toBeVisible();
  await inspectEscalation(page);
  await screenshot(page, '4-escalation-payload-browser');
});
