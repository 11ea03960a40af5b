// The public map and report pages in a real browser against a server seeded with the demo municipality.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, openPage, shownOnMap, visiblePin, waitForPins } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The address of a street-level view centred on the first report of the list. */
async function streetView(page) {
  const code = await page.locator('.report-row').first().getAttribute('data-receipt');
  const res = await page.request.get(`${BASE}/api/v1/reports/${code}`);
  const r = await res.json();
  return { code, url: `${BASE}/?z=17&lat=${r.lat.toFixed(5)}&lng=${r.lng.toFixed(5)}` };
}

test('the map shows every report from the server\'s tiles (clusters and pins), and the newest in the list', async () => {
  const { context, page, errors } = await openPage(browser);
  const tiles = [];
  page.on('response', (r) => { if (r.url().includes('/api/v1/map/')) tiles.push(r); });
  const response = await page.goto(BASE + '/');
  assert.equal(response.status(), 200);
  assert.equal(await page.getAttribute('html', 'lang'), 'it');
  // Server-rendered list: present in the HTML before any script ran.
  const html = await response.text();
  assert.match(html, /class="report-row"/);
  await waitForPins(page);
  await page.waitForLoadState('networkidle');
  assert.ok(tiles.length >= 1, 'the map asks for fixed tiles');
  for (const t of tiles) {
    assert.match(t.url(), /\/api\/v1\/map\/\d+\/\d+\/\d+$/);
    assert.ok([200, 304].includes(t.status()));
  }
  // What the tiles count is what the map shows: clusters' counts plus pins (the tiles of the map's zoom, each
  // once: the last answers are those of the view drawn).
  const zoomOf = (u) => new URL(u).pathname.split('/')[4];
  const last = zoomOf(tiles[tiles.length - 1].url());
  const byUrl = new Map();
  for (const t of tiles) if (zoomOf(t.url()) === last) byUrl.set(t.url(), (await t.json()).n);
  const total = [...byUrl.values()].reduce((a, b) => a + b, 0);
  const shown = await shownOnMap(page);
  assert.equal(shown.pins + shown.clustered, total, JSON.stringify(shown));
  assert.ok(total >= await page.locator('.report-row').count());
  // The municipality's border is drawn.
  assert.equal(await page.locator('path.municipality-outline').count(), 1);
  assert.deepEqual(errors, []);
  await context.close();
});

test('moving the map asks for the tiles of the new view and writes the view into the address', async () => {
  const { context, page, errors } = await openPage(browser);
  await page.goto(BASE + '/');
  await waitForPins(page);
  const fetched = page.waitForResponse((r) => r.url().includes('/api/v1/map/') && r.status() === 200);
  await page.click('.leaflet-control-zoom-in');
  const res = await fetched;
  const body = await res.json();
  assert.ok(Array.isArray(body.c) && Array.isArray(body.p), 'compact tile');
  await page.waitForURL(/[?&]z=\d+&lat=[\d.]+&lng=[\d.]+/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('clicking a pin opens its popup with the title, and its link opens the report page', async () => {
  const { context, page, errors } = await openPage(browser);
  await page.goto(BASE + '/');
  const { code, url } = await streetView(page);
  await page.goto(url);
  await visiblePin(page);
  // The pin of that report: the one nearest the centre.
  const box = await page.locator('.report-map').first().boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const link = page.locator('.leaflet-popup .pin-title');
  await link.waitFor({ timeout: 10_000 });
  // The title arrives when the popup opens.
  await page.waitForFunction(() => !/^SEG-/.test(document.querySelector('.leaflet-popup .pin-title').textContent.trim()));
  const title = (await link.textContent()).trim();
  const href = await link.getAttribute('href');
  assert.match(href, /^\/segnalazioni\/SEG-\d{4}-\d{6}$/);
  assert.ok(code.length === 15);
  await Promise.all([page.waitForURL('**' + href), link.click()]);
  assert.equal((await page.locator('h1').first().textContent()).trim(), title);
  await page.locator('.timeline-entry').first().waitFor();
  // The small map hydrates too and shows the report's pin.
  await waitForPins(page);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the language switch turns the page English and back', async () => {
  const { context, page, errors } = await openPage(browser);
  await page.goto(BASE + '/');
  await waitForPins(page);
  assert.equal((await page.locator('#elenco-titolo').textContent()).trim(), "Le più recenti in quest'area");
  const { url } = await streetView(page);
  await page.goto(url);
  await Promise.all([page.waitForLoadState('load'), page.click('.lang-switch a[hreflang="en"]')]);
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.equal((await page.locator('#elenco-titolo').textContent()).trim(), 'The newest in this area');
  await visiblePin(page);
  // The report the view is centred on.
  const box = await page.locator('.report-map').first().boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
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

test('every page load carries its own nonce in its policy, so its scripts run (20 loads from the map)', async () => {
  // Leptos' ResponseOptions once lost the page's policy in about one load in twenty under the browser's
  // concurrent requests: the page kept the script-less policy, its scripts were blocked, nothing hydrated.
  const { context, page, errors } = await openPage(browser);
  await page.goto(BASE + '/');
  const href = await page.locator('.report-row-title').first().getAttribute('href');
  for (let i = 0; i < 20; i++) {
    await page.goto(BASE + '/');
    await page.locator('.report-row-title').first().waitFor();
    for (const path of ['/', href]) {
      const res = await page.goto(BASE + path);
      const csp = await res.headerValue('content-security-policy');
      const html = await res.text();
      const nonce = /nonce="([^"]+)"/.exec(html)?.[1];
      assert.ok(nonce, `load ${i} of ${path}: inline scripts carry a nonce`);
      assert.ok(csp.includes(`'nonce-${nonce}'`), `load ${i} of ${path}: the policy allows this page's nonce: ${csp}`);
    }
  }
  await waitForPins(page);
  assert.deepEqual(errors, []);
  await context.close();
});
