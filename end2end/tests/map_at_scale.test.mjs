// The map at scale in a real browser (issue 15's acceptance): from the whole region (clusters) down to a street
// (pins) by pressing clusters with the keyboard; filters applied, the shared address reloaded to the same view,
// the back button; the view exported as GeoJSON and CSV with the same reports. Data-agnostic: CI runs it on the
// demo town; docs/benchmarks.md records a run against the 1M synthetic data set (SEGNALA_URL).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, openPage, shownOnMap, visiblePin, waitForPins } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const zoomOf = (url) => Number(new URL(url).searchParams.get('z'));

test('from the region to a street, filters in the address, reload, back, and the view exported', async () => {
  const { context, page, errors } = await openPage(browser);
  await page.goto(BASE + '/');
  await waitForPins(page);
  // The municipality's centre, seen from far away.
  const first = await page.locator('.report-row').first().getAttribute('data-receipt');
  const r = await (await page.request.get(`${BASE}/api/v1/reports/${first}`)).json();
  const t0 = Date.now();
  await page.goto(`${BASE}/?z=9&lat=${r.lat.toFixed(5)}&lng=${r.lng.toFixed(5)}`);
  await page.waitForSelector('.leaflet-marker-icon.cluster', { timeout: 30_000 });
  console.log(`first clusters ${Date.now() - t0} ms after navigation`);
  const far = await shownOnMap(page);
  assert.ok(far.clusters >= 1, 'clusters at region zoom');

  // Press the biggest cluster (keyboard: focus and Enter) until single reports show.
  let zoom = 9;
  for (let step = 0; step < 6; step++) {
    if ((await page.locator('path.pin').count()) > 0 && (await page.locator('.leaflet-marker-icon.cluster').count()) === 0) break;
    const clusters = page.locator('.leaflet-marker-icon.cluster');
    if ((await clusters.count()) === 0) break;
    // Focus the biggest cluster and press Enter (again if the markers were redrawn meanwhile).
    let moved = false;
    for (let attempt = 0; attempt < 3 && !moved; attempt++) {
      const counts = await clusters.evaluateAll((cs) => cs.map((c) => parseInt(c.getAttribute('title'), 10) || 0));
      if (counts.length === 0) break; // redrawn as single reports meanwhile
      const biggest = counts.indexOf(Math.max(...counts));
      await clusters.nth(biggest).focus();
      await page.keyboard.press('Enter');
      // The map writes its view into the address with history.replaceState: polled, not a navigation.
      moved = await page.waitForFunction((z) => Number(new URL(location.href).searchParams.get('z')) > z, zoom,
        { timeout: 4_000 }).then(() => true, () => false);
    }
    if (!moved && (await clusters.count()) === 0) break;
    assert.ok(moved, `pressing a cluster at zoom ${zoom} zooms in`);
    zoom = zoomOf(page.url());
    // The new zoom's tiles drawn (the map marks the zoom whose answers it shows).
    await page.waitForSelector(`.report-map[data-drawn-zoom="${zoom}"]`, { timeout: 30_000 });
  }
  assert.ok(zoom >= 13, `zoomed in to ${zoom}`);
  await visiblePin(page);
  const street = page.url();

  // Filters: open reports only. A plain GET form: the address is the view.
  await page.locator('.filter-box summary').click();
  await page.check('#stato-aperte');
  await Promise.all([page.waitForURL(/stato=aperte/), page.click('.filters button[type=submit]')]);
  const filtered = page.url();
  const u = new URL(filtered);
  assert.equal(u.searchParams.get('z'), new URL(street).searchParams.get('z'), 'the position is kept');
  await page.waitForSelector('.leaflet-container');
  await page.waitForLoadState('networkidle');
  const tilesAfterReload = [];
  page.on('response', (res) => { if (res.url().includes('/api/v1/map/')) tilesAfterReload.push(res.url()); });
  await page.reload();
  await page.waitForSelector('.leaflet-container');
  await page.waitForLoadState('networkidle');
  assert.equal(page.url(), filtered, 'reloading keeps the shared view');
  assert.ok(await page.isChecked('#stato-aperte'));
  assert.ok(tilesAfterReload.length > 0 && tilesAfterReload.every((t) => t.includes('stato=aperte')
    && t.includes(`/api/v1/map/${u.searchParams.get('z')}/`)), tilesAfterReload.join('\n'));

  // Back: the view before the filters.
  await page.goBack();
  await page.waitForFunction(() => !new URL(location.href).searchParams.has('stato'), null, { timeout: 10_000 });
  assert.equal(zoomOf(page.url()), zoomOf(street));

  // Export the filtered view: the same reports in GeoJSON and CSV.
  await page.goto(filtered);
  await page.waitForSelector('.leaflet-container');
  await page.waitForLoadState('networkidle');
  const geoHref = await page.locator('.view-links a', { hasText: 'GeoJSON' }).getAttribute('href');
  const csvHref = await page.locator('.view-links a', { hasText: 'CSV' }).getAttribute('href');
  assert.match(geoHref, /stato=aperte/);
  assert.match(geoHref, /bbox=/);
  const geo = await (await page.request.get(BASE + geoHref)).json();
  const csv = await (await page.request.get(BASE + csvHref)).text();
  const geoCodes = geo.features.map((f) => f.properties.receipt_code).sort();
  const csvCodes = csv.trim().split('\r\n').slice(1).map((l) => l.split(',')[0]).sort();
  assert.ok(geoCodes.length > 0, 'the view has reports');
  assert.deepEqual(csvCodes, geoCodes);
  for (const f of geo.features) assert.ok(!['resolved', 'closed', 'rejected', 'duplicate'].includes(f.properties.state));
  assert.deepEqual(errors, []);
  await context.close();
});

test('the list view pages through the same view and goes to a receipt code', async () => {
  const { context, page, errors } = await openPage(browser);
  const res = await page.goto(BASE + '/elenco?stato=risolte');
  assert.equal(res.status(), 200);
  assert.equal(await page.locator('.tabs a[aria-current="page"]').textContent(), 'Risolte');
  const code = await page.locator('.report-row').first().getAttribute('data-receipt');
  await page.fill('#vai-codice', code.toLowerCase());
  await Promise.all([page.waitForURL('**/segnalazioni/' + code), page.click('.go-to-code button')]);
  await page.locator('.timeline-entry').first().waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});
