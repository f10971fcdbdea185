import { expect, serverUrlForTests, signIn, test } from '../src/fixtures.ts';

test('the dashboard is served with a strict content policy and works under it', async ({ page, browser }) => {
  const response = await page.goto('/');
  const headers = response?.headers() ?? {};
  expect(headers['content-security-policy']).toContain("script-src 'self'");
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
  // The app works under it (the page fixture fails the test on any refusal): signed in, the editor
  // renders its DAG.
  await signIn(page);
  await expect(page.locator('.react-flow__node').first()).toBeVisible();

  // The policy is enforced: an inline script injected into the page does not run (in a page of its
  // own, whose refusal the fixture does not count).
  const probe = await browser.newPage();
  try {
    await probe.goto(serverUrlForTests());
    const inlineRan = await probe.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'document.body.dataset.inline = "ran"';
      document.head.append(s);
      return document.body.dataset.inline === 'ran';
    });
    expect(inlineRan).toBe(false);
  } finally {
    await probe.close();
  }
});

test('the API reference lists every operation for a signed-in browser, under the same policy', async ({
  page,
}) => {
  await signIn(page);
  await page.goto('/reference');
  await expect(page.locator('.swagger-ui .title')).toContainText('laneflow');
  await expect(page.locator('.opblock-summary-path', { hasText: '/api/runs/{id}/events' })).toBeVisible();
  await expect(page.locator('.opblock-summary-path', { hasText: '/api/tokens' }).first()).toBeVisible();
});
