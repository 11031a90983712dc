import { expect, saveScreenshot, test } from './fixtures.js';

test.describe('an operator at the keyboard', () => {
  // The console lands on the default view, the estate overview (a first run: nothing configured).
  test.beforeEach(async ({ page, hostUrl }) => {
    await page.goto(hostUrl);
    await expect(page.getByRole('heading', { level: 1, name: 'Estate overview' })).toBeVisible();
  });

  test('tabs past the skip link into the navigation and moves with arrows', async ({ page }) => {
    const nav = page.getByRole('navigation', { name: 'Views' });

    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to main content' });
    await expect(skip).toBeFocused();
    await expect(skip).toBeInViewport();

    await page.keyboard.press('Tab');
    await expect(page.getByRole('button', { name: 'Open the command palette' })).toBeFocused();
    // Every view's link is in the tab order, in navigation order: Estate, then Daytwo.
    const links = nav.getByRole('link');
    const order = [/^Overview/, /^Topology/, /^Metrics/, /^Alerts/, /^Service catalog/, /^Sources/, /^Incidents/, /^Runbooks/, /^Wallboard/, /^Wall screens/, /^Drills/, /^Audit log/, /^Settings/, /^About/];
    await expect(links).toHaveCount(order.length);
    for (const [i, name] of order.entries()) {
      await page.keyboard.press('Tab');
      await expect(links.nth(i)).toHaveAccessibleName(name);
      await expect(links.nth(i)).toBeFocused();
    }
    await expect(nav.getByRole('link', { name: /^Overview/ })).toHaveAttribute('aria-current', 'page');

    await page.keyboard.press('ArrowUp');
    await expect(nav.getByRole('link', { name: /^Settings/ })).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect(nav.getByRole('link', { name: /^Overview/ })).toBeFocused();
    await page.keyboard.press('Home');
    await expect(nav.getByRole('link', { name: /^Overview/ })).toBeFocused();

    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    const about = page.getByRole('heading', { level: 1, name: 'About & help' });
    await expect(about).toBeFocused();
    await expect(page).toHaveURL(/#\/help$/);
    await expect(nav.getByRole('link', { name: /About/ })).toHaveAttribute('aria-current', 'page');

    // Back up through every nav link and the palette button to the skip link, which lands in the main region.
    for (let i = 0; i < order.length + 2; i++) await page.keyboard.press('Shift+Tab');
    await expect(skip).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('main')).toBeFocused();
  });

  test('jumps between views with g-shortcuts and opens help with ?', async ({ page }) => {
    await page.keyboard.press('g');
    await page.keyboard.press(',');
    await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeFocused();
    await saveScreenshot(page, 'settings');

    await page.keyboard.press('g');
    await page.keyboard.press('h');
    await expect(page.getByRole('heading', { level: 1, name: 'About & help' })).toBeVisible();

    await page.keyboard.press('g');
    await page.keyboard.press('s');
    await expect(page.getByRole('heading', { level: 1, name: 'Sources' })).toBeFocused();

    await page.keyboard.press('?');
    const shortcuts = page.getByRole('heading', { name: 'Keyboard shortcuts' });
    await expect(shortcuts).toBeFocused();
    const table = page.getByRole('region', { name: 'Keyboard shortcuts' });
    for (const what of ['Open the command palette', 'Go to Overview', 'Go to Sources', 'Go to Settings', 'Show this help']) {
      await expect(table).toContainText(what);
    }
    const facts = page.getByRole('region', { name: 'This engine' });
    await expect(facts).toContainText('Host mode');
    await expect(facts).toContainText('daytwo-e2e-');
    await saveScreenshot(page, 'about');

    // Back returns to where the shortcut was pressed.
    await page.goBack();
    await expect(page.getByRole('heading', { level: 1, name: 'Sources' })).toBeVisible();
  });

  test('runs the command palette: Control+K, fuzzy filter, arrows, Enter, Escape', async ({ page }) => {
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    const field = palette.getByRole('combobox');

    await page.keyboard.press('Control+K');
    await expect(palette).toBeVisible();
    await expect(field).toBeFocused();
    await expect(palette.getByRole('option').first()).toHaveAttribute('aria-selected', 'true');
    await saveScreenshot(page, 'palette');

    await page.keyboard.type('gtset');
    await expect(palette.getByRole('option').first()).toHaveText(/Go to Settings/);
    await page.keyboard.press('Enter');
    await expect(palette).toBeHidden();
    await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();

    // Arrows move the highlight and wrap; Escape leaves without doing anything.
    await page.keyboard.press('Control+K');
    await page.keyboard.type('go to');
    const options = palette.getByRole('option');
    // One "Go to" per view ranks first; a looser match on another command's words comes after.
    await expect(options).toHaveText([...Array<RegExp>(14).fill(/^Go to /), /^Show metrics for/, /^Show only failing and degraded/]);
    await page.keyboard.press('ArrowUp');
    await expect(options.last()).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('ArrowDown');
    await expect(options.first()).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('Escape');
    await expect(palette).toBeHidden();
    await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();

    await page.keyboard.press('Control+K');
    await page.keyboard.type('zzzz');
    await expect(palette).toContainText('Nothing matches');
    await page.keyboard.press('Escape');
  });

  test('changes the theme from the palette, and it persists across a reload', async ({ page }) => {
    const html = page.locator('html');
    await expect(html).toHaveAttribute('data-theme', 'light');

    await page.keyboard.press('Control+K');
    await page.keyboard.type('theme dark');
    await page.keyboard.press('Enter');
    await expect(html).toHaveAttribute('data-theme', 'dark');
    await saveScreenshot(page, 'sources-first-run-dark');

    await page.reload();
    await expect(html).toHaveAttribute('data-theme', 'dark');
    // The theme is applied by the page's small entry, before the console around it has loaded:
    // a person presses keys once the console shows.
    await expect(page.getByRole('navigation', { name: 'Views' })).toBeVisible();
    await page.keyboard.press('g');
    await page.keyboard.press(',');
    await expect(page.getByRole('radio', { name: 'Dark' })).toBeChecked();
    await saveScreenshot(page, 'settings-dark');

    await page.keyboard.press('Control+K');
    await page.keyboard.type('toggle');
    await page.keyboard.press('Enter');
    await expect(html).toHaveAttribute('data-theme', 'light');
    await expect(page.getByRole('radio', { name: 'Light' })).toBeChecked();

    // Back to following the system, by keyboard on the radio group.
    await page.getByRole('radio', { name: 'Light' }).focus();
    await page.keyboard.press('ArrowLeft');
    await expect(page.getByRole('radio', { name: 'System' })).toBeChecked();
    await expect(page.getByText('Follows your operating system; light now.')).toBeVisible();
  });
});
