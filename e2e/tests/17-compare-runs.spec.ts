import { api, expect, getRun, screenshot, signIn, test } from '../src/fixtures.ts';

const dag = {
  id: 'compare-e2e',
  name: 'Compare me',
  nodes: [
    {
      id: 'title',
      kind: 'transform',
      label: 'Title',
      mapping: { title: 'Brief: {{inputs.topic}}', fixed: 'same' },
    },
    { id: 'note', kind: 'llm', label: 'Note', prompt: 'Note on {{inputs.topic}}', sim: { answer: 'a note' } },
  ],
  edges: [],
  inputSchema: { type: 'object', properties: { topic: { type: 'string' } }, required: ['topic'] },
};

const start = async (topic: string) => {
  const r = await api<{ runId: string }>('/api/runs', {
    method: 'POST',
    body: { dagId: dag.id, inputs: { topic } },
  });
  expect(r.status).toBe(201);
  await expect.poll(async () => (await getRun(r.body.runId)).run.status).toBe('succeeded');
  return r.body.runId;
};

test('17 compare two runs of a DAG from the runs list: lanes, tiers, cost, duration and an output diff', async ({
  page,
}) => {
  expect([201, 409]).toContain((await api('/api/dags', { method: 'POST', body: dag })).status);
  const first = await start('tides');
  const second = await start('winds');
  await signIn(page, '#/runs');
  const server = page.getByTestId('runs-remote');
  const compare = server.getByRole('button', { name: /^Compare/ });
  await expect(compare).toBeDisabled();
  await server.getByRole('checkbox', { name: `Compare Compare me (${first})` }).check();
  await server.getByRole('checkbox', { name: `Compare Compare me (${second})` }).check();
  await compare.click();
  await expect(page).toHaveURL(new RegExp(`#/compare/remote/${first}/${second}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Compare runs');

  const table = page.getByTestId('compare');
  const title = table.getByTestId('compare-title');
  await expect(title).toContainText('Title');
  await expect(title.locator('td[data-lane]')).toHaveText(['succeeded', 'succeeded']);
  await expect(title).toContainText('transform');
  const diff = title.getByTestId('diff-title');
  await expect(diff.locator('.lf-line-remove')).toHaveText(['-   "title": "Brief: tides"']);
  await expect(diff.locator('.lf-line-add')).toHaveText(['+   "title": "Brief: winds"']);
  await expect(table.getByTestId('compare-note')).toContainText('same output');
  await expect(table.getByTestId('compare-note')).toContainText('small');
  await screenshot(page, '17-compare-runs');
});
