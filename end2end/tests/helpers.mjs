// Shared set-up for the end-to-end tests: Debian's Chromium driven by playwright-core, map tiles answered
// locally (no request leaves the machine), and every page error or console error collected so a test fails
// on it — a broken WASM build loads and then throws, and this is how it shows.
import { chromium } from 'playwright-core';

export const BASE = process.env.SEGNALA_URL ?? 'http://127.0.0.1:3000';

// A 1×1 transparent PNG.
const BLANK_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
    ],
  });
}

/** A fresh context and page that records errors. `allow` lists console messages a test expects. */
export async function openPage(browser, { allow = [] } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'it-IT' });
  await context.route(/tile\.openstreetmap\.org/, (route) =>
    route.fulfill({ status: 200, contentType: 'image/png', body: BLANK_PNG }));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !allow.some((a) => m.text().includes(a))) errors.push(`console error: ${m.text()}`);
  });
  return { context, page, errors };
}

/** Waits until the WASM has hydrated and Leaflet has drawn at least one pin. */
export async function waitForPins(page) {
  await page.waitForSelector('path.pin', { timeout: 30_000 });
  return page.locator('path.pin').count();
}
