import { ADMIN, VIEWER } from '../src/env.ts';
import {
  expect,
  runNode,
  screenshot,
  serverUrlForTests,
  signIn,
  startResearchBrief,
  test,
} from '../src/fixtures.ts';

const host = () => new URL(serverUrlForTests()).host;

test('16a a bad login URL is kept out: the previous connection stays, and the header says who is signed in', async ({
  page,
}) => {
  await signIn(page, '#/runs');
  await expect(page.getByTestId('signed-in-as')).toHaveText(` · ${ADMIN.name} (admin)`);

  await page.goto('/?token=lf_wrong_or_expired_token#/runs');
  await expect(page.getByTestId('login-notice')).toContainText(
    `The login link was refused by ${host()}: its token is wrong, revoked or rotated. You are still signed in to ${host()}.`,
  );
  expect(page.url()).not.toContain('token=');
  // The good connection is the one kept, and it still works.
  await expect(page.getByTestId('signed-in-as')).toHaveText(` · ${ADMIN.name} (admin)`);
  const saved = await page.evaluate(() => localStorage.getItem('laneflow.connection'));
  expect(JSON.parse(saved ?? '{}').token).toBe(ADMIN.token);
  await screenshot(page, '16a-bad-login-url-kept-out');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByTestId('connection')).toHaveText('Not connected · runs in this browser');
});

test('16b a decision race in two tabs shows the loser who decided, what and when', async ({ browser }) => {
  const runId = await startResearchBrief();
  const one = await browser.newContext();
  const two = await browser.newContext();
  const tab1 = await one.newPage();
  const tab2 = await two.newPage();
  for (const tab of [tab1, tab2]) {
    await signIn(tab, `#/run/remote/${runId}`);
    await expect(runNode(tab, 'review')).toHaveAttribute('data-lane', 'awaiting_approval');
  }
  // Both click while both still see the approval; the first tab's decision reaches the server first.
  await tab2.route('**/approvals/**', async (route) => {
    await runNode(tab1, 'review').getByRole('button', { name: 'Approve' }).click();
    await expect(runNode(tab1, 'review')).not.toHaveAttribute('data-lane', 'awaiting_approval');
    await route.continue();
  });
  await runNode(tab2, 'review').getByRole('button', { name: 'Reject' }).click();

  const outcome = runNode(tab2, 'review').getByTestId('decision-outcome');
  await expect(outcome).toContainText(
    new RegExp(`Your decision was not recorded\\. Already approved by ${ADMIN.name} at \\d\\d:\\d\\d\\.`),
  );
  // The loser's view follows the run on with the winner's decision, and still says what happened.
  await expect(tab2.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded');
  await expect(outcome).toBeVisible();
  await screenshot(tab2, '16b-decision-race-lost');
  await one.close();
  await two.close();
});

test('16c a viewer sees why they cannot decide; waiting approvals are counted in the nav and the title', async ({
  page,
}) => {
  const runId = await startResearchBrief();
  await signIn(page, `#/run/remote/${runId}`, VIEWER.token);
  const review = runNode(page, 'review');
  await expect(review).toHaveAttribute('data-lane', 'awaiting_approval');
  await expect(review.getByRole('button', { name: 'Approve' })).toBeDisabled();
  await expect(review).toContainText('Your role (viewer) may not decide: approvers and admins can.');

  // Other journeys share the server, so the count is at least this run's approval.
  const badge = page.getByTestId('waiting-count');
  await expect(badge).toHaveText(/^[1-9]\d*$/);
  await expect(page).toHaveTitle(/^\([1-9]\d*\) laneflow$/);
  const n = await badge.textContent();
  expect(await page.title()).toBe(`(${n}) laneflow`);
  await screenshot(page, '16c-viewer-cannot-decide');
});
