import { ADMIN } from '../src/env.ts';
import { expect, getRun, runNode, runResearchBrief, screenshot, signIn, test } from '../src/fixtures.ts';

test('5 reload mid-run on the server: the run continues and no event is missing', async ({ page }) => {
  await signIn(page, '#/editor');
  const runId = await runResearchBrief(page, 'remote');
  // The run cannot end before the editor's approval, so it is mid-run however slow this machine is.
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'running');

  const before = (await getRun(runId)).lastSeq;
  expect((await getRun(runId)).run.status).toBe('running');
  await page.reload();
  await expect(page.getByTestId('run-status')).toBeVisible();
  // Still signed in (the connection lives in localStorage), still the same run, live again.
  await expect(page.getByTestId('connection')).toContainText('127.0.0.1');
  await expect(page.getByTestId('stream-badge')).toHaveAttribute('data-state', /open|closed/);

  const review = runNode(page, 'review');
  await expect(review).toHaveAttribute('data-lane', 'awaiting_approval');
  await review.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded');
  await expect(page.getByTestId('stream-badge')).toHaveText(/complete/);

  const snap = await getRun(runId);
  expect(snap.run.status).toBe('succeeded');
  expect(snap.lastSeq).toBeGreaterThan(before);
  // The legend's counts are the server's final snapshot.
  for (const [lane, n] of Object.entries(snap.counts))
    await expect(page.getByTestId(`count-${lane}`), lane).toHaveText(String(n));
  // Every node's lane on the page matches the snapshot's.
  for (const node of snap.nodes)
    await expect(runNode(page, node.id), node.id).toHaveAttribute('data-lane', node.lane);

  // The page holds exactly seq 1..lastSeq: all signals on the timeline, and the replay bar's total.
  const timeline = page.getByRole('region', { name: 'Timeline' });
  await timeline.getByLabel('All signals').check();
  await expect(timeline.getByTestId('timeline-count')).toHaveText(`${snap.lastSeq} shown`);
  await expect(page.getByTestId('replay-position')).toHaveText(
    new RegExp(`^${snap.lastSeq} / ${snap.lastSeq} `),
  );
  // Walk the whole (virtualised) list: row i holds seq i, for i = 1..lastSeq.
  const list = timeline.getByTestId('virtual-list');
  const rows = new Map<number, number>();
  for (let top = 0; ; ) {
    const batch = await list.evaluate((el, t) => {
      el.scrollTop = t;
      return { max: el.scrollHeight - el.clientHeight, step: el.clientHeight };
    }, top);
    await page.waitForTimeout(50); // let the list render the rows for this offset
    for (const [pos, seq] of await list
      .locator('.lf-vrow')
      .evaluateAll((els) =>
        els.map((el) => [
          Number(el.getAttribute('aria-posinset')),
          Number(el.querySelector('[data-seq]')?.getAttribute('data-seq')),
        ]),
      ))
      rows.set(pos as number, seq as number);
    if (top >= batch.max) break;
    top = Math.min(batch.max, top + Math.max(1, batch.step - 26));
  }
  expect(rows.size).toBe(snap.lastSeq);
  for (let i = 1; i <= snap.lastSeq; i++) expect(rows.get(i), `row ${i}`).toBe(i);
  expect(snap.nodes.find((n) => n.id === 'review')).toBeTruthy();
  await expect(review).toContainText(`approved by ${ADMIN.name}`);
  await screenshot(page, '5-reload-mid-run-complete');
});
