import { api, expect, runNode, screenshot, signIn, test } from '../src/fixtures.ts';

/**
 * An edge from `plan` to `publish` whose label sits where the waiting `review` node draws its
 * Approve / Reject buttons: the buttons must stay on top, reachable by a pointer.
 */
const crossing = (id: string) => ({
  id,
  name: 'Label across the review',
  nodes: [
    {
      id: 'plan',
      kind: 'llm',
      label: 'Plan',
      prompt: 'Plan it.',
      position: { x: 0, y: 0 },
      sim: { latencyMs: 5 },
    },
    { id: 'review', kind: 'approval', label: 'Review', prompt: 'Ship it?', position: { x: 330, y: -60 } },
    {
      id: 'publish',
      kind: 'llm',
      label: 'Publish',
      prompt: 'Publish it.',
      position: { x: 700, y: 0 },
      sim: { latencyMs: 5 },
    },
  ],
  edges: [
    { id: 'e1', source: 'plan', target: 'review' },
    { id: 'e2', source: 'plan', target: 'publish', label: 'a label laid right across the review node' },
    { id: 'e3', source: 'review', target: 'publish' },
  ],
});

test('on-node Approve and Reject stay above an edge label that crosses them', async ({ page }) => {
  expect((await api('/api/dags', { method: 'POST', body: crossing('label-crossing') })).status).toBe(201);
  const started = await api<{ runId: string }>('/api/runs', {
    method: 'POST',
    body: { dagId: 'label-crossing' },
  });
  expect(started.status).toBe(201);
  await signIn(page, `#/run/remote/${started.body.runId}`);
  const review = runNode(page, 'review');
  await expect(review).toHaveAttribute('data-lane', 'awaiting_approval');
  const label = page.getByText('a label laid right across the review node');
  await expect(label).toBeVisible();

  for (const name of ['Approve', 'Reject']) {
    const button = review.getByRole('button', { name, exact: true });
    const [b, l] = [await button.boundingBox(), await label.boundingBox()];
    if (!b || !l) throw new Error(`no box for ${name} or the label`);
    // The layout really does put the label over the button…
    const overlap =
      Math.min(b.x + b.width, l.x + l.width) - Math.max(b.x, l.x) > 0 &&
      Math.min(b.y + b.height, l.y + l.height) - Math.max(b.y, l.y) > 0;
    expect(overlap, `${name} and the label overlap`).toBe(true);
    // …and what a pointer reaches there is the button, not the label.
    const x = Math.max(b.x, l.x) + 2;
    const y = Math.max(b.y, l.y) + 2;
    const hit = await page.evaluate(
      ([px, py]) =>
        document.elementFromPoint(px as number, py as number)?.closest('button')?.textContent ?? null,
      [x, y],
    );
    expect(hit).toBe(name);
  }
  await screenshot(page, '22-buttons-over-edge-label');
  await review.getByRole('button', { name: 'Approve', exact: true }).click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded');
});
