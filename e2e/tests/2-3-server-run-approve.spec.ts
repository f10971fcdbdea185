import type { Page } from '@playwright/test';
import { ADMIN } from '../src/env.ts';
import {
  api,
  expect,
  getRun,
  runNode,
  runResearchBrief,
  screenshot,
  signIn,
  startResearchBrief,
  test,
  waitForRunView,
} from '../src/fixtures.ts';

/**
 * Records every lane each run node shows, in order, as the page re-renders: a MutationObserver
 * installed on the document before any page script runs, so nothing the page renders is missed.
 */
const recordLanes = (page: Page) =>
  page.addInitScript(() => {
    const seen: Record<string, string[]> = {};
    (window as unknown as { __lanes: typeof seen }).__lanes = seen;
    const note = (el: Element) => {
      const id = el.getAttribute('data-testid')?.replace(/^node-/, '');
      const lane = el.getAttribute('data-lane');
      if (!id || !lane) return;
      const list = seen[id] ?? [];
      seen[id] = list;
      if (list[list.length - 1] !== lane) list.push(lane);
    };
    const sel = '.react-flow__node [data-testid^="node-"][data-lane]';
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'attributes' && r.target instanceof Element && r.target.matches(sel)) note(r.target);
        for (const n of r.addedNodes)
          if (n instanceof Element) {
            if (n.matches(sel)) note(n);
            n.querySelectorAll(sel).forEach(note);
          }
      }
    }).observe(document, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-lane'],
    });
  });
const recordedLanes = (page: Page) =>
  page.evaluate(() => (window as unknown as { __lanes: Record<string, string[]> }).__lanes);

test.describe
  .serial('2-3 a run on the server, approved on the node', () => {
    let runId = '';

    test('2 run the Research brief on the server and watch lanes change live until approval', async ({
      page,
    }) => {
      await recordLanes(page);
      await signIn(page, '#/editor');
      await page.getByRole('button', { name: 'New', exact: true }).click();
      await page.getByLabel('Templates').selectOption('research-brief');
      await expect(page.getByTestId('editor-node-review')).toBeVisible();
      await expect(page.getByTestId('validity')).toHaveText('valid');
      await page.getByLabel('Run on').selectOption('remote');
      await page.getByTestId('run-button').click();
      runId = await waitForRunView(page, 'remote');
      await expect(page.getByText('on the server', { exact: true })).toBeVisible();

      // The run pauses at the approval node; meanwhile the stream is live.
      await expect(runNode(page, 'review')).toHaveAttribute('data-lane', 'awaiting_approval');
      await expect(page.getByTestId('stream-badge')).toHaveAttribute('data-state', 'open');
      await expect(page.getByTestId('count-awaiting_approval')).toHaveText('1');
      await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'running');
      for (const id of ['plan', 'tech', 'regulation', 'outline', 'draft', 'market@t1'])
        await expect(runNode(page, id)).toHaveAttribute('data-lane', 'succeeded');
      await expect(runNode(page, 'market')).toHaveAttribute('data-lane', 'escalated');
      for (const id of ['publish', 'translate'])
        await expect(runNode(page, id)).toHaveAttribute('data-lane', 'queued');

      // Lanes changed on the page while it was open: the approval node was first shown queued, and
      // nodes were shown running before they succeeded.
      const lanes = await recordedLanes(page);
      expect(lanes.review?.[0], JSON.stringify(lanes)).toBe('queued');
      expect(lanes.review?.at(-1)).toBe('awaiting_approval');
      const ranLive = Object.entries(lanes).filter(
        ([, l]) => l.includes('running') && l.indexOf('running') < l.lastIndexOf('succeeded'),
      );
      expect(ranLive.length, JSON.stringify(lanes)).toBeGreaterThan(0);
      test.info().annotations.push({ type: 'lanes seen', description: JSON.stringify(lanes) });

      const snap = await getRun(runId);
      expect(snap.nodes.find((n) => n.id === 'review')?.lane).toBe('awaiting_approval');
      await screenshot(page, '2-server-run-awaiting-approval');
    });

    test('3a approve on the node by clicking: the run continues to succeeded', async ({ page }) => {
      expect(runId, 'journey 2 started the run').not.toBe('');
      await signIn(page, `#/run/remote/${runId}`);
      const review = runNode(page, 'review');
      await expect(review).toHaveAttribute('data-lane', 'awaiting_approval');
      await review.getByRole('button', { name: 'Approve' }).click();

      await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded');
      await expect(review).toHaveAttribute('data-lane', 'succeeded');
      await expect(review).toContainText(`approved by ${ADMIN.name}`);
      await expect(runNode(page, 'publish')).toHaveAttribute('data-lane', 'succeeded');
      await expect(runNode(page, 'translate')).toHaveAttribute('data-lane', 'skipped');
      await review.click();
      await expect(page.getByTestId('node-decision')).toContainText(`approved by ${ADMIN.name}`);
      expect((await getRun(runId)).run.status).toBe('succeeded');
      await screenshot(page, '3-approved-on-node');
    });
  });

test('3b reject with a comment from the inspector', async ({ page }) => {
  const runId = await startResearchBrief();
  await signIn(page, `#/run/remote/${runId}`);
  const review = runNode(page, 'review');
  await expect(review).toHaveAttribute('data-lane', 'awaiting_approval');
  await review.locator('.lf-node-label').click(); // select the node: the inspector shows it
  const inspector = page.getByTestId('inspector');
  const pending = inspector.getByLabel('Pending approval');
  await expect(pending).toContainText('Publish this brief?');
  await pending.getByLabel('Comment').fill('Sources are too thin to publish.');
  await pending.getByRole('button', { name: 'Reject' }).click();

  await expect(page.getByTestId('run-status')).not.toHaveAttribute('data-status', 'running');
  await expect(review).toHaveAttribute('data-lane', /failed|escalated|skipped|cancelled/);
  await expect(review).toContainText(`rejected by ${ADMIN.name}`);
  await expect(inspector.getByTestId('node-decision')).toContainText(`rejected by ${ADMIN.name}`);
  await expect(inspector.getByTestId('node-decision')).toContainText('Sources are too thin to publish.');
  await expect(runNode(page, 'publish')).toHaveAttribute('data-lane', 'skipped');
  await expect(inspector).not.toContainText('rejected: rejected:');
  const snap = await getRun(runId);
  expect(snap.run.status).toBe(await page.getByTestId('run-status').getAttribute('data-status'));
  await screenshot(page, '3-rejected-from-inspector');
});

test('3c keyboard: Tab to the Approve button on the node and press Enter', async ({ page }) => {
  const runId = await startResearchBrief();
  await signIn(page, `#/run/remote/${runId}`);
  const review = runNode(page, 'review');
  await expect(review).toHaveAttribute('data-lane', 'awaiting_approval');
  const approve = review.getByRole('button', { name: 'Approve' });

  // From the top of the page, Tab until the node's Approve button has focus.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  let reached = false;
  for (let i = 0; i < 120 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await approve.evaluate((el) => el === document.activeElement);
  }
  expect(reached, 'the Approve button is reachable with Tab').toBe(true);
  await expect(approve).toBeFocused();
  await page.keyboard.press('Enter');

  await expect(review).toHaveAttribute('data-lane', 'succeeded');
  await expect(review).toContainText(`approved by ${ADMIN.name}`);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded');
  await screenshot(page, '3-approved-with-keyboard');
});

test('3d approve on the node in the browser (local run)', async ({ page }) => {
  await page.goto('/#/editor');
  await runResearchBrief(page, 'local');
  const review = runNode(page, 'review');
  await expect(review).toHaveAttribute('data-lane', 'awaiting_approval');
  await review.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded');
  await expect(review).toContainText(/approved by \S+/);
});

test('3e a viewer cannot approve: the node says why, and the server refuses anyway', async ({ page }) => {
  const runId = await startResearchBrief();
  const { VIEWER } = await import('../src/env.ts');
  await signIn(page, `#/run/remote/${runId}`, VIEWER.token);
  const review = runNode(page, 'review');
  await expect(review).toHaveAttribute('data-lane', 'awaiting_approval');
  const approve = review.getByRole('button', { name: 'Approve' });
  await expect(approve).toBeDisabled();
  await expect(approve).toHaveAttribute('title', /viewer/);
  // The inbox names the request the node waits on.
  const inbox = await api<{ approvals: Array<{ id: string; runId: string; nodeId: string }> }>(
    '/api/approvals?status=pending',
  );
  const approvalId = inbox.body.approvals.find((a) => a.runId === runId && a.nodeId === 'review')?.id;
  expect(approvalId).toBeTruthy();
  // The button is only a courtesy: the server is what refuses the role.
  const refused = await api(`/api/runs/${runId}/approvals/${approvalId}`, {
    method: 'POST',
    body: { decision: 'approved' },
    token: VIEWER.token,
  });
  expect(refused.status).toBe(403);
  await expect(review).toHaveAttribute('data-lane', 'awaiting_approval');
  // Clean up: decide as the admin so the run does not wait forever.
  const r = await api(`/api/runs/${runId}/approvals/${approvalId}`, {
    method: 'POST',
    body: { decision: 'approved' },
  });
  expect(r.status).toBe(200);
});
