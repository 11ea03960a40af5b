// Bytes a first visit to the map page transfers (cold cache, brotli where offered), by resource, measured in
// Debian's Chromium through the DevTools protocol. Map tiles are answered locally and left out: they come from
// the tile server, not from Segnala.
//
//   node bench/first_load.mjs [BASE_URL]     (default http://127.0.0.1:3000)
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
await page.waitForSelector('path.pin');
await page.waitForLoadState('networkidle');
await browser.close();

let total = 0;
const rows = sizes
  .filter(([u]) => u.startsWith(BASE))
  .map(([u, n]) => { total += n; return [u.replace(BASE, '') || '/', n]; })
  .sort((a, b) => b[1] - a[1]);
for (const [u, n] of rows) console.log(`${String(n).padStart(9)}  ${u.length > 70 ? u.slice(0, 67) + '...' : u}`);
console.log(`${String(total).padStart(9)}  total (${rows.length} requests, headers included)`);
