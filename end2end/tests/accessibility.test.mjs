// WCAG 2.1 AA checks (axe-core, run from node_modules: no network) on the public pages, in both languages.
// Italian public administrations must meet these rules; a serious or critical violation fails the test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import { BASE, launch, openPage, waitForPins } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function audit(page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

test('the map page has no serious accessibility violations', async () => {
  const { context, page, errors } = await openPage(browser);
  await page.goto(BASE + '/');
  await waitForPins(page);
  assert.deepEqual(await audit(page), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a report page has no serious accessibility violations, in English either', async () => {
  const { context, page, errors } = await openPage(browser);
  await page.goto(BASE + '/');
  const href = await page.locator('.report-row-title').first().getAttribute('href');
  await page.goto(BASE + href);
  await waitForPins(page);
  assert.deepEqual(await audit(page), []);
  await page.goto(BASE + '/lingua/en?ritorno=' + encodeURIComponent(href));
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await waitForPins(page);
  assert.deepEqual(await audit(page), []);
  assert.deepEqual(errors, []);
  await context.close();
});
