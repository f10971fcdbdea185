import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { api, expect, getRun, runNode, screenshot, signIn, test } from '../src/fixtures.ts';

/** `hard` never passes the gate at small (a long, dear answer there) and always at medium; `easy` passes at small. */
const dag = (id: string) => ({
  id,
  name: 'Learns where to start',
  nodes: [
    {
      id: 'hard',
      kind: 'llm',
      label: 'Hard proof',
      prompt: 'prove it',
      startTier: 'auto',
      gate: { target: 0.9, maxTries: 1 },
      sim: {
        answer: 'H',
        confidence: 0.95,
        tokens: { input: 1000, output: 500 },
        tiers: { small: { confidence: 0.3, tokens: { input: 20_000, output: 5000 } } },
      },
    },
    {
      id: 'easy',
      kind: 'llm',
      label: 'Easy note',
      prompt: 'say hi {{hard}}',
      startTier: 'auto',
      gate: { target: 0.9, maxTries: 1 },
      sim: { answer: 'E', confidence: 0.95 },
    },
  ],
  edges: [{ source: 'hard', target: 'easy' }],
});

interface Queued {
  type: string;
  nodeId: string;
  tier: number;
  tierReason?: { chosen: number; explored: boolean; cold: boolean };
}
interface Economics {
  runs: Array<{ runId: string; costUsd: number; topTierCostUsd: number }>;
  nodes: Array<{ nodeId: string; totalRuns: number }>;
}

const run = async (dagId: string) => {
  const r = await api<{ runId: string }>('/api/runs', { method: 'POST', body: { dagId } });
  expect(r.status).toBe(201);
  await expect.poll(async () => (await getRun(r.body.runId)).run.status).toBe('succeeded');
  const { body } = await api<{ signals: Queued[] }>(`/api/runs/${r.body.runId}/signals?after=0&limit=1000`);
  const hard = body.signals.find((s) => s.type === 'node.queued' && s.nodeId === 'hard');
  return { runId: r.body.runId, hard };
};

const usd = (x: number) => `$${x.toFixed(x >= 1 ? 2 : 4)}`;

/** Moderate or worse axe violations, as `rule: targets` lines. */
const violations = async (page: Page) =>
  (await new AxeBuilder({ page }).analyze()).violations
    .filter((v) => v.impact !== 'minor')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);

test('21 escalation economics: an auto node learns to start at medium on the server; the inspector says why and the DAG’s economics chart it', async ({
  page,
}) => {
  const dagId = `econ-${Date.now().toString(36)}`;
  expect((await api('/api/dags', { method: 'POST', body: dag(dagId) })).status).toBe(201);
  const runs = [];
  for (let i = 0; i < 8; i++) runs.push(await run(dagId));
  // Five runs of history on the cascade (the policy's minimum), then medium — unless it explored
  // one tier lower (10 % of runs), which the inspector marks.
  expect(runs.slice(0, 5).map((r) => r.hard?.tier)).toEqual([0, 0, 0, 0, 0]);
  const placed = runs.slice(5).filter((r) => r.hard?.tierReason?.chosen === 1 && !r.hard.tierReason.explored);
  expect(placed.length).toBeGreaterThan(0);
  const learned = placed.at(-1) as (typeof placed)[number];

  await signIn(page, `#/run/remote/${learned.runId}`);
  await expect(page.getByTestId('run-status')).toHaveText(/succeeded/);
  await runNode(page, 'hard').click();
  await expect(page.getByTestId('node-tier')).toContainText('medium');
  await expect(page.getByTestId('node-tier-reason')).toHaveText(
    /^started at medium: small passed the gate in 0 of \d recent runs; expected \$[\d.e-]+ vs \$[\d.e-]+$/,
  );
  await expect(page.getByTestId('cost-policy-saving')).toContainText(
    /placed 2 nodes from their history\): saved \$0\.\d{2,4} in expected cost/,
  );
  await expect(page.getByRole('link', { name: "This DAG's economics" })).toHaveAttribute(
    'href',
    `#/dags/remote/${dagId}/economics`,
  );
  await page.getByTestId('cost-policy-saving').scrollIntoViewIfNeeded();
  await screenshot(page, '21a-tier-reason-in-inspector');

  // From the library to the DAG's economics.
  await page.goto(`${new URL(page.url()).origin}/#/dags`);
  await page
    .getByTestId(`dag-row-${dagId}`)
    .getByRole('link', { name: 'Economics of Learns where to start' })
    .click();
  await expect(page).toHaveURL(new RegExp(`#/dags/remote/${dagId}/economics$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Economics of Learns where to start');

  const economics = (await api<Economics>(`/api/dags/${dagId}/economics`)).body;
  expect(economics.runs).toHaveLength(8);
  const cost = economics.runs.reduce((s, r) => s + r.costUsd, 0);
  const top = economics.runs.reduce((s, r) => s + r.topTierCostUsd, 0);
  await expect(page.getByTestId('economics-summary')).toContainText(
    `8 finished runs cost ${usd(cost)}; all on the top tier they would have cost ${usd(top)}`,
  );
  // Charts drawn (recharts SVG, one bar per run and tier that cost) and their tables.
  const costFigure = page.getByTestId('economics-cost');
  await expect(
    costFigure.getByRole('img', { name: 'Cost per run by tier, against all on the top tier' }),
  ).toBeVisible();
  await expect(costFigure.locator('.recharts-bar-rectangle path').first()).toBeVisible();
  // Pointing at a run's bar says which run, when it ended, and its cost by tier.
  await costFigure.locator('.recharts-bar-rectangle').first().hover();
  await expect(costFigure.locator('.recharts-tooltip-wrapper')).toContainText(
    /run 1 · .*small\s*:\s*\$0\.\d{4}/,
  );
  await costFigure.getByText('The cost of each run as a table').click();
  await expect(costFigure.getByTestId('economics-cost-table').locator('tbody tr')).toHaveCount(8);
  const hard = page.getByTestId('pass-hard');
  await expect(hard.locator('td').first()).toHaveText('8');
  await expect(hard.locator('td[data-tier="small"]')).toHaveText(/^0% \(0 of [\d.]+ recent\)$/);
  await expect(hard.locator('td[data-tier="medium"]')).toHaveText(/^100% \([\d.]+ of [\d.]+ recent\)$/);
  await expect(page.getByTestId('pass-easy').locator('td[data-tier="small"]')).toHaveText(/^100% /);
  await expect(page.getByRole('img', { name: 'Gate pass rate per node and tier' })).toBeVisible();
  const escalations = page.getByTestId('economics-escalation-table');
  await expect(escalations.locator('tbody tr')).toHaveCount(1);
  await expect(escalations.locator('tbody tr')).toContainText(/hard\s*small\s*100%/);
  await expect(escalations).toContainText('low_confidence');
  await screenshot(page, '21b-economics-light');
  expect(await violations(page), 'economics, light').toEqual([]);

  await page.getByLabel('Colour theme').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByTestId('economics-escalations').scrollIntoViewIfNeeded();
  await screenshot(page, '21c-economics-dark');
  expect(await violations(page), 'economics, dark').toEqual([]);
});

test('21 escalation economics in the browser: the node history is kept in IndexedDB and read by the next runs', async ({
  page,
}) => {
  const dagId = `econ-local-${Date.now().toString(36)}`;
  await page.goto('/#/editor');
  await expect(page.getByTestId('validity')).toHaveText('valid');
  await page.getByTestId('import-file').setInputFiles({
    name: 'econ.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(dag(dagId))),
  });
  await expect(page.getByTestId('editor-node-hard')).toBeVisible();
  await page.getByTestId('run-button').click();
  await page.waitForURL(/#\/run\/local\//);
  const tiers: string[] = [];
  for (let i = 0; i < 7; i++) {
    if (i > 0) {
      const before = page.url();
      await page.getByRole('button', { name: 'Re-run' }).click();
      await page.waitForURL((u) => u.toString() !== before);
    }
    await expect(page.getByTestId('run-status')).toHaveText(/succeeded/);
    await runNode(page, 'hard').click();
    tiers.push((await page.getByTestId('node-tier').textContent()) ?? '');
  }
  // Cold for five runs, then placed from the history kept in this browser: at medium, or (one run
  // in ten) one below it to explore, which the inspector marks.
  expect(tiers.slice(0, 5).every((t) => t.startsWith('small'))).toBe(true);
  const reason = page.getByTestId('node-tier-reason');
  if (tiers[6]?.startsWith('medium')) {
    await expect(reason).toHaveText(
      /^started at medium: small passed the gate in 0 of \d recent runs; expected \$[\d.e-]+ vs \$[\d.e-]+$/,
    );
    await expect(page.getByTestId('node-tier-explored')).toHaveCount(0);
  } else {
    await expect(reason).toHaveText(
      /^started at small to explore, one below medium: small passed the gate in 0 of \d recent runs; expected \$[\d.e-]+ vs \$[\d.e-]+$/,
    );
    await expect(page.getByTestId('node-tier-explored')).toHaveText('explored');
  }

  await page.goto(`${new URL(page.url()).origin}/#/dags/local/${dagId}/economics`);
  await expect(page.getByTestId('economics-summary')).toContainText('7 finished runs cost $');
  await expect(page.getByTestId('pass-hard').locator('td').first()).toHaveText('7');
  await expect(page.getByTestId('pass-hard').locator('td[data-tier="small"]')).toHaveText(/^0% /);
  await expect(page.getByRole('img', { name: 'Gate pass rate per node and tier' })).toBeVisible();
});
