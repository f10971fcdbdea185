import { join } from 'node:path';
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { ADMIN, serverUrl } from './env.ts';

export { expect };
export const serverUrlForTests = serverUrl;

/**
 * Every test talks to the one server the global setup started; it also serves the dashboard, under
 * its strict content policy: a test fails if the page reports anything the policy refused.
 */
export const test = base.extend({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies as a pattern.
  baseURL: async ({}, use) => {
    await use(serverUrl());
  },
  page: async ({ page }, use) => {
    const refused: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) refused.push(m.text());
    });
    await use(page);
    expect(refused, 'the dashboard did something its content security policy refuses').toEqual([]);
  },
});

/** Calls the server API with a bearer token (the admin's unless told). */
export const api = async <T = unknown>(
  path: string,
  init: { method?: string; body?: unknown; token?: string } = {},
): Promise<{ status: number; body: T }> => {
  const res = await fetch(`${serverUrl()}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${init.token ?? ADMIN.token}`,
      ...(init.body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
};

/** Opens the server's login URL (`/?token=…`), which signs this browser in, then goes to `hash`. */
export const signIn = async (page: Page, hash = '#/editor', token: string = ADMIN.token): Promise<void> => {
  await page.goto(`/?token=${encodeURIComponent(token)}${hash}`);
  await expect(page.getByTestId('connection')).toContainText(new URL(serverUrl()).host);
  // The token has left the address bar.
  expect(page.url()).not.toContain('token=');
};

/** Saves the page as e2e/screenshots/<name>.png (committed, so the journeys' end states can be seen). */
export const screenshot = async (page: Page, name: string): Promise<void> => {
  // Let running-lane spinners and fitView animations settle a little, so the image is representative.
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(import.meta.dirname, '..', 'screenshots', `${name}.png`) });
};

/** The React Flow pane of the editor. */
export const canvas = (page: Page): Locator => page.locator('.lf-run-graph .react-flow__pane');

/** Drags a palette item onto the canvas at (x, y) relative to the canvas' top-left (HTML5 drag and drop). */
export const dropKind = async (page: Page, kind: string, x: number, y: number): Promise<void> => {
  await page.getByTestId(`palette-${kind}`).dragTo(canvas(page), { targetPosition: { x, y } });
};

/** Connects two editor nodes by dragging from the source's handle to the target's handle. */
export const connectNodes = async (page: Page, source: string, target: string): Promise<void> => {
  const from = page.locator(`.react-flow__node[data-id="${source}"] .react-flow__handle.source`);
  const to = page.locator(`.react-flow__node[data-id="${target}"] .react-flow__handle.target`);
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  if (!a || !b) throw new Error(`handles of ${source} → ${target} are not visible`);
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  // Several steps, so React Flow sees a drag and snaps to the target handle.
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 10 });
  await page.mouse.up();
};

/** A run node on the run view. */
export const runNode = (page: Page, id: string): Locator => page.getByTestId(`node-${id}`);

/** The run id of the run view the page shows (#/run/<mode>/<runId>). */
export const runIdFromUrl = (page: Page): string => {
  const m = /#\/run\/(?:local|remote)\/([^/?#]+)/.exec(page.url());
  if (!m?.[1]) throw new Error(`not on a run view: ${page.url()}`);
  return decodeURIComponent(m[1]);
};

/** Waits for the page to show a run view and returns its id. */
export const waitForRunView = async (page: Page, mode: 'local' | 'remote'): Promise<string> => {
  await page.waitForURL(new RegExp(`#/run/${mode}/`));
  await expect(page.getByTestId('run-status')).toBeVisible();
  return runIdFromUrl(page);
};

interface Snapshot {
  lastSeq: number;
  counts: Record<string, number>;
  run: { status: string };
  nodes: Array<{ id: string; lane: string }>;
}
export const getRun = async (runId: string): Promise<Snapshot> => {
  const r = await api<Snapshot>(`/api/runs/${encodeURIComponent(runId)}`);
  if (r.status !== 200) throw new Error(`GET /api/runs/${runId}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

/** Starts the Research brief on the server through the API and returns its run id. */
export const startResearchBrief = async (): Promise<string> => {
  const r = await api<{ runId: string }>('/api/runs', { method: 'POST', body: { dagId: 'research-brief' } });
  if (r.status !== 201) throw new Error(`POST /api/runs: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.runId;
};

/** From the editor: opens the Research brief template and runs it in `mode`; returns the run id. */
export const runResearchBrief = async (page: Page, mode: 'local' | 'remote'): Promise<string> => {
  await page.getByLabel('Templates').selectOption('research-brief');
  await page.getByLabel('Run on').selectOption(mode);
  await page.getByTestId('run-button').click();
  return waitForRunView(page, mode);
};
