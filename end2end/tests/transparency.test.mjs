// Transparency in a real browser against the seeded demo: resolving a report changes the public figures after
// the statistics job's refresh (every 2 s in scripts/test); the satisfaction link that reaches the SMTP sink
// records a rating once and "not solved" reopens the report and tells its office; the monthly report of the
// last complete month exists, is listed, and its numbers equal a direct SQL count of the database; the page is
// linked from the header on a desktop and from the view links on a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import { BASE, launch, openPage, linkIn, mailTo, sql, sqlText } from './helpers.mjs';
import { fileReport, signIn } from './flows.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const CITIZEN = { email: 'cittadino@segnala.example', password: 'demo-cittadino-padova' };
const URP = { email: 'urp@segnala.example', password: 'demo-urp-padova' };
const OFFICE_MAIL = 'lavori.pubblici@comune.example.it';


/** The headline figures of the page shown: { Ricevute: 12, Risolte: 9, ... } (numbers only). */
async function figures(page) {
  return page.$$eval('dl.figures .figure', (cards) => Object.fromEntries(cards.map((c) => [
    c.querySelector('dt').textContent.trim(), c.querySelector('dd').textContent.trim(),
  ])));
}

/**
 * Waits until the statistics job has taken every queued change (the queue is emptied in the refresh's own
 * transaction, so an empty queue means the figures are current). Earlier test files file and confirm reports
 * up to the moment this one starts: figures read before their refresh would count them in our deltas.
 */
async function statsSettled() {
  for (const end = Date.now() + 60_000; Date.now() < end; await new Promise((r) => setTimeout(r, 250))) {
    if (sql('select count(*) from stats_queue') === 0) return;
  }
  const queued = sql('select count(*) from stats_queue');
  const last = sqlText('select refreshed_at from stats_state');
  assert.fail(`the statistics job did not empty its queue within 60 s: ${queued} queued, last refresh ${last}`);
}

/** The roads office's figures once every queued change is counted. */
async function officeFigures(page) {
  await statsSettled();
  await page.goto(`${BASE}/trasparenza`);
  await page.selectOption('select[name=ufficio]', { label: 'Lavori pubblici' });
  await Promise.all([page.waitForURL((u) => u.searchParams.get('ufficio')), page.click('form.stats-form button[type=submit]')]);
  return figures(page);
}

/** Waits up to 30 s for a message to `to` with exactly `subject`. */
async function mailWithSubject(to, subject) {
  for (const end = Date.now() + 30_000; Date.now() < end; await new Promise((r) => setTimeout(r, 250))) {
    const m = mailTo(to).find((x) => x.subject === subject);
    if (m) return m;
  }
  return undefined;
}

async function give(page, name, fill) {
  await page.$$eval('details.command', (ds) => ds.forEach((d) => { d.open = true; }));
  const form = page.locator(`form[action$="/${name}"]`);
  await fill(form);
  await Promise.all([
    page.waitForURL((u) => u.searchParams.get('fatto') === name, { timeout: 30_000 }),
    form.locator('button[type=submit]').click(),
  ]);
}

test('resolving a report changes the public figures; its satisfaction link rates once and reopens it', { timeout: 300_000 }, async () => {
  // The used link answers 410 on purpose.
  const { context, page, errors } = await openPage(browser, { allow: ['status of 410'] });
  const staff = await openPage(browser);
  try {
    const before = await officeFigures(page);
    assert.ok(Number(before.Ricevute) > 0, 'the demo gives the roads office figures');
    assert.ok(page.url().includes('ufficio='), 'the scope is in the address');
    assert.ok(await page.locator('figure.chart-figure svg[role=group]').count() >= 3, 'charts drawn on the server');
    assert.equal(await page.locator('script[src*=".wasm"], link[href*=".wasm"]').count(), 0, 'no WASM on this page');

    // A citizen reports a pothole; the URP takes it in charge and resolves it.
    await signIn(page, CITIZEN);
    const { code } = await fileReport(page, {
      query: 'via Roma', title: `Buca e2e trasparenza ${Date.now()}`, description: 'Davanti al civico 7.',
    });
    await signIn(staff.page, URP);
    await staff.page.goto(`${BASE}/ufficio/segnalazioni/${code}`);
    await give(staff.page, 'take_in_charge', (f) => f.locator('textarea').fill('Presa in carico.'));
    await give(staff.page, 'change_state', async (f) => {
      await f.locator('select[name=state]').selectOption('resolved');
      await f.locator('textarea').fill('Buca chiusa.');
    });

    // After the refresh, the public figures count it.
    let after;
    const deadline = Date.now() + 60_000;
    do {
      await new Promise((r) => setTimeout(r, 1000));
      after = await officeFigures(page);
    } while (Number(after.Risolte) < Number(before.Risolte) + 1 && Date.now() < deadline);
    const shown = `before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`;
    assert.equal(Number(after.Risolte), Number(before.Risolte) + 1, `one more resolved: ${shown}`);
    assert.equal(Number(after.Ricevute), Number(before.Ricevute) + 1, `one more received: ${shown}`);
    assert.equal(Number(after['Prese in carico']), Number(before['Prese in carico']) + 1, `one more taken in charge: ${shown}`);

    // The questionnaire reaches the reporter (asked at once in scripts/test: SEGNALA_SURVEY_AFTER_DAYS=0).
    const subject = `Com'è andata? Segnalazione ${code}`;
    const got = await mailWithSubject(CITIZEN.email, subject);
    assert.ok(got, `the questionnaire reached ${CITIZEN.email}`);
    const link = linkIn(got, '/soddisfazione/');

    // A rating outside 1-5 (sent by hand) is refused, naming the field; nothing is recorded.
    const bad = await page.request.post(BASE + link, { form: { timeliness: '7', quality: '4' }, headers: { Origin: BASE } });
    assert.equal(bad.status(), 400);
    assert.match(await bad.text(), /tempestività/);

    await page.goto(BASE + link);
    await page.check('input[name=timeliness][value="2"]');
    await page.check('input[name=quality][value="3"]');
    await page.fill('textarea[name=comment]', 'La buca si è riaperta dopo la pioggia.');
    await page.check('input[name=not_solved]');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('fatto') === '1'), page.click('form.survey-form button[type=submit]')]);
    assert.match(await page.locator('main').textContent(), /la tua risposta è stata registrata/);
    assert.match(await page.locator('main').textContent(), /riaperta/);

    // Used once: the link now says so.
    const again = await page.goto(BASE + link);
    assert.equal(again.status(), 410);
    assert.match(await page.locator('.error-box').textContent(), /già stato usato/);

    // Reopened, signed by its reporter; the office is told.
    await page.goto(`${BASE}/segnalazioni/${code}`);
    assert.match(await page.locator('.report-head').textContent(), /Riaperta/);
    assert.match(await page.locator('.timeline-list').textContent(), /non è risolto/);
    assert.ok(await mailWithSubject(OFFICE_MAIL, `Segnalazione riaperta dal segnalante: ${code}`), 'the office was told');
    assert.equal(sql(`select count(*) from survey s join report r using (report_id) where r.receipt_code = '${code}' and s.answered_at is not null and s.timeliness = 2`), 1);

    // The rating counts once in the public figures after the refresh.
    const end = Date.now() + 60_000;
    let rated;
    do {
      await new Promise((r) => setTimeout(r, 1000));
      rated = await officeFigures(page);
    } while (Number(rated.Valutazioni) < Number(after.Valutazioni) + 1 && Date.now() < end);
    assert.equal(Number(rated.Valutazioni), Number(after.Valutazioni) + 1,
      `one more rating: before ${JSON.stringify(after)}, after ${JSON.stringify(rated)}`);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await staff.context.close();
  }
});

test('the monthly report of the last complete month is listed and its numbers equal a direct SQL count', async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    const now = new Date();
    const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    const label = `${last.getUTCFullYear()}-${String(last.getUTCMonth() + 1).padStart(2, '0')}`;
    const from = `${label}-01`;
    const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString().slice(0, 10);

    await page.goto(`${BASE}/trasparenza/resoconti`);
    const link = page.locator(`a[href="/trasparenza/resoconti/${label}"]`);
    assert.equal(await link.count(), 1, `the report of ${label} is listed`);
    await Promise.all([page.waitForURL(`**/trasparenza/resoconti/${label}`), link.click()]);
    assert.match(await page.locator('h1').textContent(), new RegExp(`Resoconto mensile ${label}`));
    const f = await figures(page);

    const handled = `r.confirmed_at is not null and not r.is_internal and r.kind <> 'compliment'`;
    const received = sql(`select count(*) from report r where ${handled} and r.created_at >= '${from}' and r.created_at < '${to}'`);
    const resolved = sql(`select count(*) from report r where ${handled} and r.state in ('resolved', 'closed') and
      (select max(u.created_at) from report_update u where u.report_id = r.report_id and u.to_state = 'resolved') >= '${from}' and
      (select max(u.created_at) from report_update u where u.report_id = r.report_id and u.to_state = 'resolved') < '${to}'`);
    const comments = sql(`select count(*) from report_comment where hidden_at is null and created_at >= '${from}' and created_at < '${to}'`);
    assert.ok(received > 0, 'the demo has reports that month');
    assert.equal(Number(f.Ricevute), received, 'received = direct count');
    assert.equal(Number(f.Risolte), resolved, 'resolved = direct count');
    assert.equal(Number(await page.locator('dd.comments-received').textContent()), comments, 'comments = direct count');

    const csv = await page.request.get(`${BASE}/trasparenza/resoconti/${label}/resoconto.csv`);
    assert.equal(csv.status(), 200);
    assert.ok((await csv.text()).includes(`${label},total,,${received},`), 'the CSV has the same numbers');

    // Readable by everyone: no serious accessibility violation on the report and the statistics page.
    const audit = async () => (await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze())
      .violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
    assert.deepEqual(await audit(), [], 'periodic report page');
    await page.goto(`${BASE}/trasparenza`);
    assert.deepEqual(await audit(), [], 'Trasparenza page');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('Trasparenza is one tap away: in the header on a desktop, in the view links on a phone', async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    await page.goto(`${BASE}/elenco`);
    const header = page.locator('header a.transparency-link');
    assert.ok(await header.isVisible(), 'the header links it at 1280 px');
    await Promise.all([page.waitForURL((u) => u.pathname === '/trasparenza'), header.click()]);
    assert.ok(await page.locator('dl.figures .figure').count() > 0, 'the figures are shown');

    // On a phone the header has no room for it: hidden there, offered beside the map's and the list's views.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${BASE}/elenco`);
    assert.equal(await page.locator('header a.transparency-link').isVisible(), false, 'not in the header at 390 px');
    const link = page.locator('nav.view-links a[href="/trasparenza"]');
    assert.ok(await link.isVisible(), 'in the view links at 390 px');
    await Promise.all([page.waitForURL((u) => u.pathname === '/trasparenza'), link.click()]);
    assert.ok(await page.locator('dl.figures .figure').count() > 0);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
