// A municipality goes live from an empty installation, with the pages alone: `segnala migrate`, `segnala admin
// create`, then the administrator walks the setup checklist in Chromium — identity, a boundary (a swapped one
// caught first, the right one previewed then loaded), districts from one FeatureCollection, streets from an
// ANNCSU-style CSV, offices (a duplicate refused, a mistaken one deleted), categories, a member of staff invited
// and accepting at the SMTP sink, a citizen promoted, the legal pages — and opens the service. A citizen then
// finds "via Arrigoni 10" by typing and files a report; the office's address receives it.
//
// It runs its own server on its own empty database (beside the seeded one the other tests use), and prints how
// long each page step took.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { launch, openPage, waitForMail, linkIn, waitForHydration } from './helpers.mjs';
import { choosePlace, goToStep, describe, send, step } from './flows.mjs';

const ADMIN = { email: 'ced@comune.vigonza.example', password: 'tre parole lunghe vigonza' };
const DB = 'segnala_e2e_empty';
let browser;
let server;
let base;
let dbUrl;

const freePort = () => new Promise((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

function segnala(args, input) {
  return execFileSync(process.env.SEGNALA_BIN, args, {
    env: { ...process.env, DATABASE_URL: dbUrl }, input, encoding: 'utf8',
  });
}

before(async () => {
  assert.ok(process.env.SEGNALA_BIN, 'scripts/test exports SEGNALA_BIN, the server binary');
  const admin = new URL(process.env.DATABASE_URL);
  admin.pathname = '/postgres';
  execFileSync('psql', [admin.toString(), '-qc', `drop database if exists ${DB} with (force)`, '-c', `create database ${DB}`]);
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/${DB}`;
  dbUrl = url.toString();
  segnala(['migrate']);
  const created = segnala(['admin', 'create', '--email', ADMIN.email, '--name', 'Ufficio CED', '--password-stdin'], `${ADMIN.password}\n`);
  assert.match(created, /\(administrator\)/);
  segnala(['admin', 'create', '--email', 'anna.neri@esempio.it', '--name', 'Anna Neri', '--role', 'citizen', '--password-stdin'], 'anna ha una password lunga\n');
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.env.SEGNALA_BIN, ['serve'], {
    env: {
      ...process.env, DATABASE_URL: dbUrl, SEGNALA_ADDR: `127.0.0.1:${port}`, SEGNALA_URL: base,
      SEGNALA_PHOTOS: mkdtempSync(join(tmpdir(), 'segnala-going-live-')),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 120; i++) {
    try { if ((await fetch(`${base}/healthz`)).ok) break; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
});

const timings = [];
async function timed(name, f) {
  const t0 = Date.now();
  await f();
  timings.push([name, Date.now() - t0]);
}

/** Submits the form of `button` (a plain post) and waits for the page that answers. */
async function submit(page, button) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load', timeout: 30_000 }), page.locator(button).click()]);
}

async function signIn(page, { email, password }) {
  await page.goto(`${base}/accedi`);
  await page.fill('#campo-email', email);
  await page.fill('#campo-password', password);
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/la-mia-pagina', { timeout: 20_000 }),
    page.click('form[action="/accedi"] button[type=submit]'),
  ]);
}

/** Serious or critical WCAG 2.1 AA violations of the page as it is. */
async function audit(page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

const done = (page, s) => page.locator(`#lista [data-step="${s}"]`).getAttribute('data-done');
const square = (w, s, e, n) => ({ type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] });
const feature = (nome, geometry) => ({ type: 'Feature', properties: { nome }, geometry });

test('a comune goes live from an empty installation with the pages alone', async () => {
  const { context, page, errors } = await openPage(browser);
  const citizen = await openPage(browser);
  try {
    // Before opening, a citizen reads that the service opens soon.
    await citizen.page.goto(`${base}/segnala`);
    assert.match(await citizen.page.locator('main').textContent(), /Il servizio apre a breve/);

    await timed('sign in', () => signIn(page, ADMIN));
    await page.goto(`${base}/amministrazione`);
    assert.equal(await done(page, 'Identity'), 'false');

    await timed('identity and legal pages', async () => {
      await page.goto(`${base}/amministrazione/ente`);
      for (const [name, value] of [
        ['name', 'Comune di Vigonza'], ['example_street', 'via Arrigoni'], ['address', 'Via Cavour 16, 35010 Vigonza'],
        ['phone', '049 809 0211'], ['email', 'urp@comune.vigonza.example'], ['pec', 'protocollo@pec.vigonza.example'],
        ['dpo', 'dpo@comune.vigonza.example'], ['accessibility_url', 'https://form.agid.gov.it/view/vigonza'],
      ]) await page.fill(`#campo-${name}`, value);
      await submit(page, 'form[action="/amministrazione/ente"] button[type=submit]');
      assert.match(await page.locator('.site-header').textContent(), /Comune di Vigonza/);
      assert.match(await page.title(), /Comune di Vigonza/);
    });

    await page.goto(`${base}/amministrazione#aree`);
    const area = async ({ kind, name = '', property = '', geojson, preview = false }) => {
      await page.selectOption('#area-tipo', kind);
      await page.fill('#area-nome', name);
      await page.fill('#area-proprieta', property);
      await page.fill('#area-testo', JSON.stringify(geojson));
      await submit(page, `form[action^="/amministrazione/aree"] button${preview ? '[name=preview]' : '.primary'}`);
    };
    await timed('boundary: swapped caught, previewed, loaded', async () => {
      const swapped = { type: 'Polygon', coordinates: [[[45.42, 11.95], [45.42, 12.05], [45.48, 12.05], [45.48, 11.95], [45.42, 11.95]]] };
      await area({ kind: 'municipality', name: 'Comune di Vigonza', geojson: swapped, preview: true });
      assert.equal(new URL(page.url()).pathname, '/amministrazione', 'the address is the page\'s own again');
      assert.match(await page.locator('#aree .form-error').textContent(), /latitudine e longitudine scambiate/);
      assert.ok(await page.locator('#aree .form-error').evaluate((e) => {
        const r = e.getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight;
      }), 'the error is on the screen, not thousands of pixels below');
      assert.match(await page.inputValue('#area-testo'), /45\.42/, 'what was pasted is kept');
      await area({ kind: 'municipality', name: 'Comune di Vigonza', geojson: square(11.95, 45.42, 12.05, 45.48), preview: true });
      assert.match(await page.locator('.area-preview').textContent(), /non è stato ancora caricato nulla/);
      await waitForHydration(page);
      await page.locator('.area-preview .report-map.leaflet-container').waitFor({ timeout: 15_000 });
      assert.deepEqual(await audit(page), [], 'the preview, its map and the refused form pass axe');
      await submit(page, 'form[action^="/amministrazione/aree"] button.primary');
      assert.equal(await done(page, 'Boundary'), 'true');
    });
    await timed('districts from one FeatureCollection, a wrong one removed', async () => {
      await area({
        kind: 'district', property: 'nome', geojson: {
          type: 'FeatureCollection',
          features: [feature('Nord', square(11.95, 45.45, 12.0, 45.48)), feature('Sud', square(11.95, 45.42, 12.0, 45.45))],
        },
      });
      await area({ kind: 'district', name: 'Quartiere sbagliato', geojson: square(12.0, 45.42, 12.05, 45.48) });
      assert.equal(await page.locator('#aree tbody tr').count(), 4);
      await submit(page, '#aree button[aria-label="Elimina Quartiere sbagliato"]');
      assert.equal(await page.locator('#aree tbody tr').count(), 3);
      assert.equal(await done(page, 'Districts'), 'true');
    });
    await timed('streets from an ANNCSU CSV', async () => {
      const csv = 'CODICE_VIA;DUG;DENOMINAZIONE;CIVICO;ESPONENTE;LONGITUDINE;LATITUDINE\n'
        + '701;VIA;ARRIGONI;10;;11,9712;45,4412\n701;VIA;ARRIGONI;12;;11,9716;45,4415\n'
        + '702;PIAZZA;DEL MUNICIPIO;1;;11,9650;45,4450\n';
      await page.setInputFiles('#vie-file', { name: 'anncsu.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await submit(page, 'form[action^="/amministrazione/vie"] button[type=submit]');
      assert.match(await page.locator('.import-report').textContent(), /3 righe lette, 2 vie nuove, 0 aggiornate, 3 numeri civici/);
      assert.deepEqual(await audit(page), [], 'the import report passes axe');
      assert.equal(await done(page, 'Streets'), 'true');
    });
    const office = async (name, email = '') => {
      await page.fill('#nuovo-ufficio-nome', name);
      await page.fill('#nuovo-ufficio-email', email);
      await submit(page, 'form:has(#nuovo-ufficio-nome) button[type=submit]');
    };
    await timed('offices: two, a duplicate refused, a mistaken one deleted', async () => {
      await office('Lavori pubblici', 'lavori@comune.vigonza.example');
      await office('Ambiente', 'ambiente@comune.vigonza.example');
      await office(' lavori  PUBBLICI ');
      assert.match(await page.locator('#uffici .form-error').textContent(), /già in uso/);
      await office('Ufficio doppione', 'doppione@comune.vigonza.example');
      await submit(page, '#uffici button[aria-label="Elimina Ufficio doppione"]');
      assert.equal(await page.locator('#uffici tbody tr').count(), 2);
      assert.equal(await done(page, 'Offices'), 'true');
    });
    await timed('three categories', async () => {
      for (const [name, officeName, sla] of [['Buche stradali', 'Lavori pubblici', '30'], ['Illuminazione pubblica', 'Lavori pubblici', '15'], ['Rifiuti abbandonati', 'Ambiente', '7']]) {
        await page.fill('#nuova-cat-nome', name);
        await page.selectOption('#nuova-cat-ufficio', { label: officeName });
        await page.fill('#nuova-cat-sla', sla);
        await submit(page, 'form:has(#nuova-cat-nome) button[type=submit]');
      }
      assert.equal(await done(page, 'Categories'), 'true');
    });
    await timed('staff: one invited and accepting, a citizen promoted', async () => {
      const person = async (name, email, role, officeName) => {
        await page.fill('#persona-nome', name);
        await page.fill('#persona-email', email);
        await page.selectOption('#persona-ruolo', role);
        await page.selectOption('#persona-ufficio', { label: officeName });
        await submit(page, 'form:has(#persona-nome) button[type=submit]');
      };
      await person('Luca Bianchi', 'luca.bianchi@comune.vigonza.example', 'office_staff', 'Lavori pubblici');
      assert.match(await page.locator('#personale').textContent(), /in attesa, valido fino al/);
      const [invitation] = await waitForMail('luca.bianchi@comune.vigonza.example', 1, 20_000);
      assert.equal(invitation.subject, 'Invito a lavorare su Segnala');
      assert.match(invitation.text, /Ufficio CED ti ha invitato a lavorare sul servizio di segnalazioni del Comune di Vigonza/);
      const luca = await openPage(browser);
      await luca.page.goto(base + linkIn(invitation, '/nuova-password/'));
      await luca.page.fill('#campo-password', 'luca sceglie la sua password');
      await Promise.all([luca.page.waitForNavigation({ waitUntil: 'load' }), luca.page.click('main form button[type=submit]')]);
      const me = await luca.context.request.get(`${base}/api/v1/me`);
      assert.equal(me.status(), 200, 'accepting the invitation signs in');
      await luca.context.close();
      await person('Anna Neri', 'anna.neri@esempio.it', 'office_manager', 'Ambiente');
      const [granted] = await waitForMail('anna.neri@esempio.it', 1, 20_000);
      assert.equal(granted.subject, 'Nuovo ruolo su Segnala');
      assert.equal(await done(page, 'Staff'), 'true');
      assert.equal(await done(page, 'Mail'), 'true');
      assert.equal(await done(page, 'Legal'), 'true');
    });
    await timed('opening day', async () => {
      await submit(page, 'form[action="/amministrazione/apri"] button[type=submit]');
      assert.equal(await page.locator('form[action="/amministrazione/apri"]').count(), 0, 'opened: no button any more');
    });
    const privacy = await citizen.context.request.get(`${base}/privacy`);
    assert.match(await privacy.text(), /dpo@comune\.vigonza\.example/);

    await timed('a citizen finds "via Arrigoni 10" and files a report', async () => {
      const p = citizen.page;
      await p.goto(`${base}/segnala`);
      await p.waitForSelector(`${step(2)}[hidden]`, { state: 'attached', timeout: 30_000 });
      assert.match(await p.locator('main').textContent(), /via Arrigoni 12/, 'the address hint is one of the town\'s streets');
      await choosePlace(p, 'via Arrigoni 10', 'Via Arrigoni 10');
      await goToStep(p, 2);
      await describe(p, { category: 'Buche stradali', title: 'Buca davanti al civico 10', description: 'Profonda, sul lato della ciclabile.' });
      await goToStep(p, 3);
      await goToStep(p, 4);
      await p.fill('#campo-email', 'giulia@esempio.it');
      const { code } = await send(p);
      const [confirm] = await waitForMail('giulia@esempio.it', 1, 20_000);
      await p.goto(base + linkIn(confirm, '/conferma/'));
      await submit(p, 'main form[action^="/conferma/"] button[type=submit]');
      const [toOffice] = await waitForMail('lavori@comune.vigonza.example', 1, 20_000);
      assert.ok(toOffice, 'the office\'s address receives the report');
      assert.match(toOffice.subject, new RegExp(`Nuova segnalazione ${code}`));
    });
    console.log('going live, page steps:');
    for (const [name, ms] of timings) console.log(`  ${String(ms).padStart(6)} ms  ${name}`);
    console.log(`  ${String(timings.reduce((a, [, ms]) => a + ms, 0)).padStart(6)} ms  in all`);
    await waitForHydration(page);
    // The refused forms answer 400 (as they should); anything else — a panic while hydrating a refused form's
    // page above all — fails the test.
    const unexpected = (list) => list.filter((e) => !e.includes('status of 400'));
    assert.deepEqual(unexpected(errors), [], 'no page error (a refused form\'s page hydrates without a panic)');
    assert.deepEqual(unexpected(citizen.errors), []);
  } finally {
    await citizen.context.close();
    await context.close();
  }
});
