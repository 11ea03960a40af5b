// The back office in a real browser, three contexts at once: a citizen files a report and keeps its page open;
// the URP operator takes it in charge and gives it to the roads office, whose manager assigns it to a contractor;
// the contractor posts completion with a photo; the manager resolves it with a signed public update. The
// citizen's page shows each public step as it happens (server-sent events, no reload), signed; the internal note
// shows nowhere public; the SMTP sink received exactly the messages each person should get.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, openPage, mailTo, waitForMail } from './helpers.mjs';
import { fileReport, signIn } from './flows.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const CITIZEN = { email: 'cittadino@segnala.example', password: 'demo-cittadino-padova' };
const URP = { email: 'urp@segnala.example', password: 'demo-urp-padova' };
const MANAGER = { email: 'responsabile.lavori@segnala.example', password: 'demo-responsabile-padova' };
const CONTRACTOR = { email: 'ditta@segnala.example', password: 'demo-ditta-esterna-padova' };

/** Gives a command on the open staff page: opens its form, lets `fill` fill it, submits, waits for "done". */
async function give(page, name, fill = async () => {}) {
  await page.$$eval('details.command', (ds) => ds.forEach((d) => { d.open = true; }));
  const form = page.locator(`form[action$="/${name}"]`);
  await form.waitFor({ timeout: 15_000 });
  await fill(form);
  await Promise.all([
    page.waitForURL((u) => u.searchParams.get('fatto') === name, { timeout: 30_000 }),
    form.locator('button[type=submit]').click(),
  ]);
  await page.locator('p.notice[role=status]').waitFor({ timeout: 15_000 });
}

async function signOut(page) {
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/ufficio'), { timeout: 20_000 }), page.click('form[action="/esci"] button')]);
}

/** Waits until the citizen's open page (never reloaded) shows `text` in its timeline. */
async function seesLive(page, text) {
  await page.locator('.timeline-list').filter({ hasText: text }).waitFor({ timeout: 20_000 });
  assert.equal(await page.evaluate(() => window.__notReloaded), true, 'the page was updated in place, not reloaded');
}

/** A 64×48 JPEG drawn by the browser itself. */
async function photo(page) {
  const dataUrl = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 64;
    c.height = 48;
    const g = c.getContext('2d');
    g.fillStyle = '#444';
    g.fillRect(0, 0, 64, 48);
    return c.toDataURL('image/jpeg', 0.9);
  });
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
}

test('a report goes from the citizen to the URP, the roads office and a contractor, live and signed', { timeout: 240_000 }, async () => {
  const citizen = await openPage(browser);
  const office = await openPage(browser);
  const contractor = await openPage(browser);
  const title = `Buca e2e ufficio ${Date.now()}`;
  const internal = `NOTA-INTERNA-${Date.now()}`;
  try {
    // The citizen files it and keeps its page open.
    await signIn(citizen.page, CITIZEN);
    const { code } = await fileReport(citizen.page, {
      query: 'via Roma', title, description: 'Profonda, davanti al civico 3.',
    });
    await citizen.page.goto(`${BASE}/segnalazioni/${code}`);
    await citizen.page.waitForLoadState('networkidle');
    await citizen.page.evaluate(() => { window.__notReloaded = true; });
    const work = `${BASE}/ufficio/segnalazioni/${code}`;

    // The URP takes it in charge and gives it to the roads office.
    await signIn(office.page, URP);
    await office.page.goto(work);
    await give(office.page, 'take_in_charge', (f) => f.locator('textarea').fill('Presa in carico dall\'URP.'));
    await seesLive(citizen.page, 'Paolo Zanon, Operatore URP');
    await give(office.page, 'assign', (f) => f.locator('select[name=to]').selectOption({ label: 'Lavori pubblici' }));
    await seesLive(citizen.page, "Assegnata all'ufficio Lavori pubblici");
    await signOut(office.page);

    // The roads office's manager finds it in the inbox, notes something internal, assigns it to a contractor.
    await signIn(office.page, MANAGER);
    await office.page.goto(`${BASE}/ufficio?ordine=newest`);
    await office.page.locator(`table.inbox a[href="/ufficio/segnalazioni/${code}"]`).waitFor({ timeout: 15_000 });
    await office.page.goto(work);
    await give(office.page, 'internal_note', (f) => f.locator('textarea').fill(internal));
    await give(office.page, 'assign', async (f) => {
      await f.locator('select[name=to]').selectOption({ label: 'Asfalti Veneti S.r.l.' });
      await f.locator('input[name=due]').fill('2099-12-31');
    });
    await seesLive(citizen.page, 'Affidata alla ditta Asfalti Veneti S.r.l.');

    // The contractor sees it, starts the work and reports it done with a photo.
    await signIn(contractor.page, CONTRACTOR);
    await contractor.page.goto(work);
    await give(contractor.page, 'change_state', (f) => f.locator('select[name=state]').selectOption('in_progress'));
    await seesLive(citizen.page, 'Sara Pavan, Ditta esterna');
    const jpeg = await photo(contractor.page);
    await give(contractor.page, 'contractor_progress', async (f) => {
      await f.locator('textarea').fill('Asfalto rifatto, lavori conclusi.');
      await f.locator('input[name=done]').check();
      await f.locator('input[type=file]').setInputFiles({ name: 'dopo.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    });

    // The manager validates it: resolved, with a signed public update.
    await office.page.goto(work);
    await give(office.page, 'validate_completion', (f) => f.locator('textarea').fill('Buca chiusa e asfalto rifatto. Grazie della segnalazione.'));
    await seesLive(citizen.page, 'Buca chiusa e asfalto rifatto');
    const timeline = await citizen.page.locator('.timeline-list').textContent();
    assert.match(timeline, /ing\. Marco Rossi, Responsabile d.ufficio \(Lavori pubblici\)/);
    assert.match(await citizen.page.locator('.report-head').textContent(), /Risolta/);

    // The internal note and the contractor's progress are nowhere public.
    for (const path of [`/segnalazioni/${code}`, `/api/v1/reports/${code}`, '/api/v1/reports?bbox=11.7,45.3,12.0,45.5']) {
      const body = await (await fetch(BASE + path)).text();
      assert.ok(!body.includes(internal), `${path} shows the internal note`);
      assert.ok(!body.includes('Asfalto rifatto, lavori conclusi'), `${path} shows the contractor's progress`);
    }
    assert.ok(!(await citizen.page.content()).includes(internal));

    // Exactly the expected mail: the citizen's receipt and one message per public step (taken in charge, given to
    // the office, assigned to the contractor, work started, resolved); the contractor's person the assignment;
    // the roads office (its address and its manager) the new report, the assignment and the contractor's
    // completion.
    // (The satisfaction questionnaire, sent at once in scripts/test, is the transparency test's business.)
    const about = (to) => mailTo(to)
      .filter((m) => m.subject.includes(code) && !m.subject.startsWith("Com'è andata?"))
      .map((m) => m.subject).sort();
    await waitForMail(CITIZEN.email, 1);
    const deadline = Date.now() + 20_000;
    while (about(CITIZEN.email).length < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(about(CITIZEN.email), [
      ...Array(5).fill(`Aggiornamento sulla segnalazione ${code}`),
      `Segnalazione ricevuta: ${code}`,
    ]);
    assert.deepEqual(about(CONTRACTOR.email), [`Segnalazione assegnata: ${code}`]);
    assert.deepEqual(about(MANAGER.email), [
      `Nuova segnalazione ${code}: ${title}`,
      `Nuovo commento sulla segnalazione ${code}`,
      `Segnalazione assegnata: ${code}`,
    ]);
    assert.deepEqual(about('lavori.pubblici@comune.example.it'), [
      `Nuova segnalazione ${code}: ${title}`,
      `Nuovo commento sulla segnalazione ${code}`,
      `Segnalazione assegnata: ${code}`,
    ]);
    assert.deepEqual(about(URP.email), [], 'nobody is told of their own action');
    for (const p of [citizen, office, contractor]) assert.deepEqual(p.errors, []);
  } finally {
    await Promise.all([citizen.context.close(), office.context.close(), contractor.context.close()]);
  }
});
