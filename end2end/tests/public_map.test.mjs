// The public map and report pages in a real browser against a server seeded with the demo municipality.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, openPage, waitForPins } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the map shows the reports of the database as coloured pins, and the same reports in the list', async () => {
  const { context, page, errors } = await openPage(browser);
  const viewportCalls = [];
  page.on('request', (r) => { if (r.url().includes('/api/viewport')) viewportCalls.push(r.url()); });
  const response = await page.goto(BASE + '/');
  assert.equal(response.status(), 200);
  assert.equal(await page.getAttribute('html', 'lang'), 'it');
  // Server-rendered list: present in the HTML before any script ran.
  const html = await response.text();
  assert.match(html, /class="report-row"/);
  await waitForPins(page);
  await page.waitForLoadState('networkidle');
  // The first view's reports came with the page: no second request for them.
  assert.deepEqual(viewportCalls, []);
  const pins = await page.locator('path.pin').count();
  assert.ok(pins > 10, `expected many pins, got ${pins}`);
  const rows = await page.locator('.report-row').count();
  assert.equal(pins, rows, 'one pin per listed report');
  // The municipality's border is drawn.
  assert.equal(await page.locator('path.municipality-outline').count(), 1);
  // Pins are coloured by state.
  const fills = await page.locator('path.pin').evaluateAll((ps) => new Set(ps.map((p) => p.getAttribute('fill'))).size);
  assert.ok(fills >= 3, `pins should show several state colours, got ${fills}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('moving the map asks the server for the new viewport', async () => {
  const { context, page, errors } = await openPage(browser);
  await page.goto(BASE + '/');
  await waitForPins(page);
  const fetched = page.waitForResponse((r) => r.url().includes('/api/viewport') && r.request().method() === 'POST');
  await page.click('.leaflet-control-zoom-in');
  const res = await fetched;
  assert.equal(res.status(), 200);
  const body = await res.json();
  assert.ok(Array.isArray(body.pins), 'the server fn returns pins');
  // The list follows the map.
  await page.waitForFunction(
    (expected) => document.querySelectorAll('.report-row').length === expected,
    body.pins.length,
    { timeout: 10_000 },
  );
  assert.deepEqual(errors, []);
  await context.close();
});

test('clicking a pin opens its popup, and its link opens the report page', async () => {
  const { context, page, errors } = await openPage(browser);
  await page.goto(BASE + '/');
  await waitForPins(page);
  await page.locator('path.pin').first().click({ force: true });
  const link = page.locator('.leaflet-popup .pin-title');
  await link.waitFor({ timeout: 10_000 });
  const title = (await link.textContent()).trim();
  const href = await link.getAttribute('href');
  assert.match(href, /^\/segnalazioni\/SEG-\d{4}-\d{6}$/);
  await Promise.all([page.waitForURL('**' + href), link.click()]);
  assert.equal((await page.locator('h1').first().textContent()).trim(), title);
  await page.locator('.timeline-entry').first().waitFor();
  const code = href.split('/').pop();
  assert.equal((await page.locator('.receipt-code').textContent()).trim(), code);
  // The small map hydrates too and shows the report's pin.
  await waitForPins(page);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the language switch turns the page English and back', async () => {
  const { context, page, errors } = await openPage(browser);
  await page.goto(BASE + '/');
  await waitForPins(page);
  assert.equal((await page.locator('#elenco-titolo').textContent()).trim(), "Segnalazioni in quest'area");
  await Promise.all([page.waitForLoadState('load'), page.click('.lang-switch a[hreflang="en"]')]);
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.equal((await page.locator('#elenco-titolo').textContent()).trim(), 'Reports in this area');
  await waitForPins(page);
  await page.locator('path.pin').first().click({ force: true });
  await page.locator('.leaflet-popup .pin-link').waitFor();
  assert.match(await page.locator('.leaflet-popup .pin-link').textContent(), /Open the report/);
  await Promise.all([page.waitForLoadState('load'), page.click('.lang-switch a[hreflang="it"]')]);
  await page.waitForFunction(() => document.documentElement.lang === 'it');
  assert.deepEqual(errors, []);
  await context.close();
});

test('an unknown receipt code gives a 404 page that says what to check', async () => {
  const { context, page, errors } = await openPage(browser, { allow: ['404 (Not Found)'] });
  const response = await page.goto(BASE + '/segnalazioni/SEG-2020-999999');
  assert.equal(response.status(), 404);
  assert.match(await page.locator('main').textContent(), /Nessuna segnalazione ha questo codice ricevuta/);
  // Hydration on an error page must not throw either.
  await page.waitForLoadState('networkidle');
  assert.deepEqual(errors, []);
  await context.close();
});
