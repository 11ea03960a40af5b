// Shared set-up for the end-to-end tests: Debian's Chromium driven by playwright-core, map tiles answered
// locally (no request leaves the machine), and every page error or console error collected so a test fails
// on it — a broken WASM build loads and then throws, and this is how it shows.
import { execFileSync } from 'node:child_process';
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

/** One value from the database the server uses (scripts/test exports its DATABASE_URL), as text. */
export function sqlText(query) {
  return execFileSync('psql', [process.env.DATABASE_URL, '-Atc', query], { encoding: 'utf8' }).trim();
}

/** One number from the database the server uses. */
export function sql(query) {
  return Number(sqlText(query));
}

/** Waits until the page's WASM has hydrated it (its events are wired): the app marks `<html data-hydrated>`. */
export async function waitForHydration(page) {
  await page.waitForSelector('html[data-hydrated]', { state: 'attached', timeout: 30_000 });
}

/** Waits until the WASM has hydrated and Leaflet has drawn at least one report: a pin or a cluster. */
export async function waitForPins(page) {
  // A pin outside the drawn area has the empty path "M0 0": wait for one that is drawn, or a cluster.
  try {
    await page.waitForFunction(() => document.querySelector('.leaflet-marker-icon.cluster')
      || [...document.querySelectorAll('path.pin')].some((p) => p.getAttribute('d') !== 'M0 0'), null, { timeout: 30_000 });
  } catch (e) {
    // Say what the page showed instead: its maps, their size, the pins' paths.
    const seen = await page.evaluate(() => ({
      url: location.href,
      maps: [...document.querySelectorAll('.report-map')].map((m) => ({
        class: m.className, size: [m.clientWidth, m.clientHeight], leaflet: m.classList.contains('leaflet-container'),
      })),
      pins: [...document.querySelectorAll('path.pin')].map((p) => p.getAttribute('d')).slice(0, 5),
      main: document.querySelector('main')?.innerText.slice(0, 160),
    })).catch((err) => String(err));
    throw new Error(`no pin or cluster drawn within 30 s: ${JSON.stringify(seen)}`, { cause: e });
  }
  return page.locator('path.pin, .leaflet-marker-icon.cluster').count();
}

/** A pin Leaflet has drawn (inside the visible area), to click. */
export async function visiblePin(page) {
  await waitForPins(page);
  const i = await page.locator('path.pin').evaluateAll((ps) => ps.findIndex((p) => p.getAttribute('d') !== 'M0 0'));
  return page.locator('path.pin').nth(Math.max(i, 0));
}

/** The reports the map shows: pins, plus the counts of its clusters. */
export async function shownOnMap(page) {
  return page.evaluate(() => {
    const pins = document.querySelectorAll('path.pin').length;
    const clustered = [...document.querySelectorAll('.leaflet-marker-icon.cluster')]
      .map((c) => parseInt(c.getAttribute('title'), 10) || 0)
      .reduce((a, b) => a + b, 0);
    return { pins, clusters: document.querySelectorAll('.leaflet-marker-icon.cluster').length, clustered };
  });
}

// Mail the server sent, read from the SMTP sink's maildir (scripts/test starts Python's aiosmtpd and points
// SEGNALA_E2E_MAILDIR at it): no mocked transport.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const MAILDIR = process.env.SEGNALA_E2E_MAILDIR;

function decodePart(headers, body) {
  const enc = (/content-transfer-encoding:\s*([\w-]+)/i.exec(headers)?.[1] ?? '7bit').toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

/** RFC 2047 encoded words (`=?utf-8?b?…?=`) in a header. */
function decodeHeader(v) {
  // Whitespace between two encoded words is dropped; between an encoded word and plain text it is kept.
  return v.replace(/(\?=)\s+(?==\?utf-8\?)/gi, '$1').replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, kind, data) =>
    kind.toLowerCase() === 'b'
      ? Buffer.from(data, 'base64').toString('utf8')
      : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (__, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'));
}

/** Every message the sink received for `to`: { subject, text, headers }. */
export function mailTo(to) {
  if (!MAILDIR) throw new Error('SEGNALA_E2E_MAILDIR is not set (scripts/test sets it)');
  let files = [];
  try { files = readdirSync(join(MAILDIR, 'new')); } catch { return []; }
  return files
    .map((f) => readFileSync(join(MAILDIR, 'new', f), 'utf8'))
    .map((raw) => {
      const [head] = raw.split(/\r?\n\r?\n/);
      const boundary = /boundary="?([^";\r\n]+)"?/i.exec(head)?.[1];
      let text = '';
      for (const part of raw.split(`--${boundary}`)) {
        const split = part.search(/\r?\n\r?\n/);
        if (split < 0) continue;
        const [h, b] = [part.slice(0, split), part.slice(split).replace(/^\r?\n\r?\n/, '')];
        if (/content-type:\s*text\/plain/i.test(h)) text = decodePart(h, b);
      }
      return { head, subject: decodeHeader(/^subject:\s*(.*)$/im.exec(head)?.[1] ?? ''), to: /^to:\s*(.*)$/im.exec(head)?.[1] ?? '', text };
    })
    .filter((m) => m.to.toLowerCase().includes(to.toLowerCase()));
}

/** Waits until `n` messages went to `to`; returns them. */
export async function waitForMail(to, n = 1, timeoutMs = 15_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const got = mailTo(to);
    if (got.length >= n || Date.now() > end) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The first link in a message's text that goes to `path` on this site. */
export function linkIn(message, path) {
  const m = new RegExp(`https?://[^\\s]+${path}[^\\s]*`).exec(message.text);
  if (!m) throw new Error(`no link to ${path} in:\n${message.text}`);
  return new URL(m[0]).pathname;
}
