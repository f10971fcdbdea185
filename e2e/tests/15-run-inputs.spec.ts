import { api, expect, getRun, screenshot, signIn, test, waitForRunView } from '../src/fixtures.ts';

const dag = {
  id: 'typed-brief-e2e',
  name: 'Typed brief',
  nodes: [
    {
      id: 'brief',
      kind: 'transform',
      label: 'Title the brief',
      mapping: { title: 'Brief: {{inputs.topic}}', words: '{{inputs.words}}', tone: '{{inputs.tone}}' },
    },
  ],
  edges: [],
  inputSchema: {
    type: 'object',
    properties: {
      topic: { type: 'string', title: 'Topic', description: 'What the brief is about', minLength: 3 },
      words: { type: 'integer', title: 'Length in words', default: 300, minimum: 50 },
      tone: { type: 'string', title: 'Tone', enum: ['plain', 'formal'], default: 'plain' },
    },
    required: ['topic'],
  },
};

test('15 a run with a typed input form: a bad value is refused, a good one is used, Re-run is prefilled', async ({
  page,
}) => {
  const saved = await api('/api/dags', { method: 'POST', body: dag });
  expect([201, 409]).toContain(saved.status);
  await signIn(page, `#/editor/${dag.id}`);
  // The editor shows the schema the form is built from, to edit like any other DAG field.
  await expect(page.getByLabel('Input schema (JSON Schema; Run asks for these)')).toHaveValue(
    /"minLength": 3/,
  );
  await page.getByLabel('Run on').selectOption('remote');
  await page.getByTestId('run-button').click();

  const form = page.getByRole('dialog', { name: 'Run Typed brief' });
  await expect(form.getByLabel('Length in words')).toHaveValue('300');
  await expect(form.getByLabel('Tone')).toHaveValue('plain');
  await expect(form.getByText('What the brief is about')).toBeVisible();
  await form.getByLabel('Topic').fill('ab');
  await form.getByLabel('Length in words').fill('many');
  await form.getByTestId('inputs-run').click();
  await expect(form.getByLabel('Topic')).toHaveAccessibleDescription(/must be at least 3 characters/);
  await expect(form.getByLabel('Length in words')).toHaveAccessibleDescription('must be a whole number');
  await screenshot(page, '15-run-inputs-refused');
  // Refused in the page: no run was started.
  expect(page.url()).toContain('#/editor');

  await form.getByLabel('Topic').fill('tides');
  await form.getByLabel('Length in words').fill('500');
  await form.getByLabel('Tone').selectOption('formal');
  await form.getByTestId('inputs-run').click();
  const runId = await waitForRunView(page, 'remote');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded');
  const snap = (await getRun(runId)) as unknown as { nodes: Array<{ id: string; output?: unknown }> };
  expect(snap.nodes.find((n) => n.id === 'brief')?.output).toEqual({
    title: 'Brief: tides',
    words: 500,
    tone: 'formal',
  });

  // Re-run offers what the last run was started with.
  await page.getByRole('button', { name: 'Re-run' }).click();
  const again = page.getByRole('dialog', { name: 'Re-run Typed brief' });
  await expect(again.getByLabel('Topic')).toHaveValue('tides');
  await expect(again.getByLabel('Length in words')).toHaveValue('500');
  await expect(again.getByLabel('Tone')).toHaveValue('formal');
  await screenshot(page, '15-rerun-prefilled');
  await again.getByRole('button', { name: 'Cancel' }).click();
  await expect(again).toHaveCount(0);
  expect(runId).toBe(page.url().split('/').pop());
});
