// Bytes a first visit to the map page transfers (cold cache, brotli where offered), by resource, measured in
// Debian's Chromium through the DevTools protocol. Map tiles are answered locally and left out: they come from
// the tile server, not from Segnala.
//
//   node bench/first_load.mjs [BASE_URL] [PATH]     (default http://127.0.0.1:3000 and /)
import { launch } from '../end2end/tests/helpers.mjs';

const BASE = process.argv[2] ?? 'http://127.0.0.1:3000';
if (!/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(BASE)) throw new Error('only loopback targets');

const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
await context.route(/tile\.openstreetmap\.org/, (r) => r.abort());
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await cdp.send('Network.enable');
const urls = new Map();
const sizes = [];
cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response.url));
cdp.on('Network.loadingFinished', (e) => sizes.push([urls.get(e.requestId) ?? '?', e.encodedDataLength]));
await page.goto(BASE + '/', { waitUntil: 'networkidle' });
await page.waitForSelector('path.pin, .leaflet-marker-icon.cluster');
await page.waitForLoadState('networkidle');

// Time to the first reports on the map (pins or clusters), from navigation, over RUNS fresh contexts (cold
// browser cache each time; the server's tile cache warm after the first): median and worst.
const runs = Number(process.env.RUNS ?? 7);
const path = process.argv[3] ?? '/';
const times = [];
for (let i = 0; i < runs; i++) {
  const c = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await c.route(/tile\.openstreetmap\.org/, (r) => r.abort());
  const p = await c.newPage();
  const t0 = Date.now();
  await p.goto(BASE + path);
  await p.waitForSelector('path.pin, .leaflet-marker-icon.cluster', { timeout: 30_000 });
  times.push(Date.now() - t0);
  await c.close();
}
times.sort((a, b) => a - b);
console.log(`first reports on the map (${path}): median ${times[Math.floor(times.length / 2)]} ms, worst ${times[times.length - 1]} ms over ${runs} loads`);
await browser.close();

let total = 0;
const rows = sizes
  .filter(([u]) => u.startsWith(BASE))
  .map(([u, n]) => { total += n; return [u.replace(BASE, '') || '/', n]; })
  .sort((a, b) => b[1] - a[1]);
for (const [u, n] of rows) console.log(`${String(n).padStart(9)}  ${u.length > 70 ? u.slice(0, 67) + '...' : u}`);
console.log(`${String(total).padStart(9)}  total (${rows.length} requests, headers included)`);
