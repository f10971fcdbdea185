import { VIEWER } from '../src/env.ts';
import { expect, screenshot, serverUrlForTests, test } from '../src/fixtures.ts';

test('7 connection: a wrong token is rejected, an unreachable URL says so, a good token signs in', async ({
  page,
}) => {
  await page.goto('/#/connect');
  const form = page.locator('form');
  const url = form.getByLabel('Server URL');
  const token = form.getByLabel('Token');
  await expect(url).toHaveValue(serverUrlForTests());

  await token.fill('lf_not_a_real_token');
  await form.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByRole('alert')).toHaveText('The server rejected this token.');
  await expect(page.getByTestId('connection')).toContainText('Not connected');

  await url.fill('http://127.0.0.1:9');
  await form.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByRole('alert')).toContainText('Cannot reach http://127.0.0.1:9');
  await screenshot(page, '7-connection-unreachable');

  await url.fill(serverUrlForTests());
  await token.fill(VIEWER.token);
  await form.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByRole('status')).toContainText(`as ${VIEWER.name} (viewer)`);
  await expect(page.getByTestId('connection')).toContainText(new URL(serverUrlForTests()).host);
});
