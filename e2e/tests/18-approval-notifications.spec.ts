import { expect, screenshot, signIn, startResearchBrief, test } from '../src/fixtures.ts';

declare global {
  interface Window {
    notified?: Array<{ title: string; body: string | undefined }>;
  }
}

test('18 opted in, a browser notification announces an approval that starts waiting', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['notifications']);
  // Records what the page shows as notifications (headless Chromium draws none).
  await page.addInitScript(() => {
    const Real = window.Notification;
    window.notified = [];
    class Recorded extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        window.notified?.push({ title, body: options?.body });
      }
    }
    window.Notification = Recorded as typeof Notification;
  });
  await signIn(page, '#/approvals');
  const toggle = page.getByLabel('Notify me when an approval is waiting');
  // The box checks once the permission request resolves, not within the click: click, then wait.
  await toggle.click();
  await expect(toggle).toBeChecked();

  await startResearchBrief();
  await expect
    .poll(() => page.evaluate(() => window.notified), { timeout: 60_000 })
    .toContainEqual({ title: 'Approval waiting', body: 'Publish this brief?' });
  await screenshot(page, '18-notify-opted-in');

  // Off again: remembered across a reload.
  await toggle.uncheck();
  await page.reload();
  await expect(page.getByLabel('Notify me when an approval is waiting')).not.toBeChecked();
});
