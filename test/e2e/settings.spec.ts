import { expect, saveScreenshot, test } from './fixtures.js';

test('an operator edits production patterns: bad input is explained, a save survives reload', async ({ page, hostUrl }) => {
  await page.goto(hostUrl);
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: /Settings/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();

  const patterns = page.getByRole('list', { name: 'Production patterns' });
  await expect(patterns.getByRole('listitem')).toHaveText([/prod/, /production/, /prd/]);

  const field = page.getByRole('textbox', { name: 'New production pattern' });
  await field.fill('(unclosed');
  await field.press('Enter');
  await expect(page.getByRole('alert')).toContainText('regular-expression syntax');
  await field.fill('*prod*');
  await field.press('Enter');
  await expect(page.getByRole('alert')).toContainText('already in the list');

  await field.fill('live-*');
  await field.press('Enter');
  await expect(patterns.getByRole('listitem')).toHaveCount(4);
  await expect(page.getByText('Unsaved changes')).toBeVisible();
  await page.getByRole('button', { name: 'Remove pattern *prd*' }).click();
  await saveScreenshot(page, 'settings-editing');
  await page.getByRole('button', { name: 'Save patterns' }).click();
  await expect(page.getByText('Unsaved changes')).toBeHidden();

  await page.reload();
  await expect(patterns.getByRole('listitem')).toHaveText([/prod/, /production/, /live-\*/]);

  // Leave the shared engine as we found it.
  await page.getByRole('button', { name: 'Remove pattern live-*' }).click();
  await field.fill('*prd*');
  await field.press('Enter');
  await page.getByRole('button', { name: 'Save patterns' }).click();
  await expect(page.getByText('Unsaved changes')).toBeHidden();
});
