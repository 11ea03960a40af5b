// Filing reports in a real browser: the step-by-step form of /segnala with the address search, the duplicate
// suggestions and a photo whose GPS metadata must not survive; "same problem" instead of a new report; a report
// sent without an account, public only once its emailed link is used (mail read from the SMTP sink); and a spot
// outside the municipality.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, openPage, waitForPins, waitForMail, mailTo, linkIn } from './helpers.mjs';
import {
  CODE, step, nextButton, openForm, goToStep, choosePlace, describe, waitForDuplicate, send, fileReport, signIn, pointInfo,
} from './flows.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const CITIZEN = { email: 'cittadino@segnala.example', password: 'demo-cittadino-padova' };
const API_ALL = '/api/v1/reports?bbox=11.7,45.3,12.0,45.5';
const unique = (name) => `${name}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@esempio.it`;
const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Polls the SMTP sink until a message to `to` matches `pred`. */
async function waitForMessage(to, pred, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const found = mailTo(to).find(pred);
    if (found || Date.now() > end) return found;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Opens the /conferma/ link of the confirmation message to `email` and presses "Conferma". */
async function confirmFromMail(page, email, code) {
  const [mail] = await waitForMail(email, 1, 20_000);
  assert.ok(mail, `a confirmation message reached the SMTP sink for ${email}`);
  assert.equal(mail.subject, 'Conferma il tuo indirizzo email');
  assert.match(mail.text, new RegExp(code), 'the message says which report it is about');
  const link = linkIn(mail, '/conferma/');
  assert.match(link, /^\/conferma\/[^/]+$/);
  await page.goto(BASE + link);
  const button = page.locator('main form[action^="/conferma/"] button[type=submit]');
  await button.waitFor({ timeout: 15_000 });
  assert.match(await page.locator('main').textContent(), new RegExp(code));
  await Promise.all([
    page.waitForURL((u) => u.pathname === `/segnalazioni/${code}` && u.searchParams.get('avviso') === 'confermata',
      { timeout: 20_000 }),
    button.click(),
  ]);
  assert.match(await page.locator('.notice').first().textContent(), /Confermato/);
}

const totalReports = async (context) => {
  const res = await context.request.get(BASE + API_ALL);
  assert.equal(res.status(), 200);
  const body = await res.json();
  assert.ok(Array.isArray(body.pins));
  return body.total;
};

// ---- A photo with GPS metadata -------------------------------------------------------------------------------

/**
 * An APP1 "Exif" segment: a little-endian TIFF whose IFD0 has an ImageDescription ("GPS test photo") and the
 * GPSInfo pointer; the GPS IFD has version, N 45° 24' 12.34", E 11° 52' 47" (by via del Santo).
 */
function exifSegment() {
  const desc = Buffer.from('GPS test photo\0', 'latin1'); // 15 bytes
  const IFD0 = 8;
  const DESC = IFD0 + 2 + 2 * 12 + 4; // 38
  const GPS = DESC + desc.length + (desc.length % 2); // 54, word-aligned
  const LAT = GPS + 2 + 5 * 12 + 4; // 120
  const LNG = LAT + 24; // 144
  const tiff = Buffer.alloc(LNG + 24); // 168
  tiff.write('II', 0, 'latin1');
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(IFD0, 4);
  const entry = (at, tag, type, count, value) => {
    tiff.writeUInt16LE(tag, at);
    tiff.writeUInt16LE(type, at + 2);
    tiff.writeUInt32LE(count, at + 4);
    if (Buffer.isBuffer(value)) value.copy(tiff, at + 8); // values of 4 bytes or less sit in the entry
    else tiff.writeUInt32LE(value, at + 8);
  };
  // IFD0: 0x010E ImageDescription (ASCII), 0x8825 GPSInfo (LONG offset); no next IFD.
  tiff.writeUInt16LE(2, IFD0);
  entry(IFD0 + 2, 0x010e, 2, desc.length, DESC);
  entry(IFD0 + 14, 0x8825, 4, 1, GPS);
  tiff.writeUInt32LE(0, IFD0 + 26);
  desc.copy(tiff, DESC);
  // GPS IFD: version 2.3, latitude ref/value, longitude ref/value; no next IFD.
  tiff.writeUInt16LE(5, GPS);
  entry(GPS + 2, 0x0000, 1, 4, Buffer.from([2, 3, 0, 0]));
  entry(GPS + 14, 0x0001, 2, 2, Buffer.from('N\0', 'latin1'));
  entry(GPS + 26, 0x0002, 5, 3, LAT);
  entry(GPS + 38, 0x0003, 2, 2, Buffer.from('E\0', 'latin1'));
  entry(GPS + 50, 0x0004, 5, 3, LNG);
  tiff.writeUInt32LE(0, GPS + 62);
  const rationals = (at, pairs) => pairs.forEach(([n, d], i) => {
    tiff.writeUInt32LE(n, at + i * 8);
    tiff.writeUInt32LE(d, at + i * 8 + 4);
  });
  rationals(LAT, [[45, 1], [24, 1], [1234, 100]]);
  rationals(LNG, [[11, 1], [52, 1], [4700, 100]]);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const head = Buffer.from([0xff, 0xe1, 0, 0]);
  head.writeUInt16BE(body.length + 2, 2); // the length counts itself, not the marker
  return Buffer.concat([head, body]);
}

/** A 64×48 JPEG drawn by the browser's canvas, with the Exif segment right after its SOI marker. */
async function photoWithGps(page) {
  const dataUrl = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 64;
    c.height = 48;
    const g = c.getContext('2d');
    const grad = g.createLinearGradient(0, 0, 64, 48);
    grad.addColorStop(0, '#6b6b6b');
    grad.addColorStop(1, '#2f2f2f');
    g.fillStyle = grad;
    g.fillRect(0, 0, 64, 48);
    g.fillStyle = '#1a1a1a';
    g.beginPath();
    g.ellipse(32, 26, 18, 10, 0, 0, 2 * Math.PI);
    g.fill();
    return c.toDataURL('image/jpeg', 0.9);
  });
  const jpeg = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
  assert.deepEqual([...jpeg.subarray(0, 2)], [0xff, 0xd8], 'the canvas gave a JPEG');
  const photo = Buffer.concat([jpeg.subarray(0, 2), exifSegment(), jpeg.subarray(2)]);
  assert.ok(photo.indexOf('Exif') > 0 && photo.indexOf('GPS') > 0, 'the upload carries Exif and GPS data');
  return photo;
}

// ---- The tests -----------------------------------------------------------------------------------------------

for (const viewport of [{ name: 'desktop', width: 1280, height: 800 }, { name: 'phone', width: 390, height: 844 }]) {
  test(`a signed-in citizen files a report with a photo step by step, sees a nearby duplicate, and finds it everywhere (${viewport.name})`, async () => {
    const { context, page, errors } = await openPage(browser);
    try {
      await page.setViewportSize({ width: viewport.width, height: viewport.height });
      page.setDefaultTimeout(30_000);
      await signIn(page, CITIZEN);

      // An open report on via del Santo, to be suggested as a duplicate of the next one.
      const first = await fileReport(page, {
        query: 'via del Santo',
        title: 'Buca profonda in via del Santo',
        description: 'Una buca larga mezzo metro in mezzo alla carreggiata, pericolosa per chi va in bicicletta.',
      });
      assert.equal(await page.locator('.notice.awaiting').count(), 0, 'a signed-in report needs no confirmation');

      await openForm(page);
      await choosePlace(page, 'via del Santo');
      await page.locator('.chosen-place', { hasText: 'vicino a via del Santo' }).waitFor({ timeout: 10_000 });
      await goToStep(page, 2);
      const title = 'Buca in via del Santo vicino al civico 10';
      await describe(page, {
        category: 'Buche stradali',
        title,
        description: 'La buca si è allargata dopo la pioggia di ieri; di sera non si vede.',
      });
      // The office that answers shows as soon as the category is chosen.
      await page.locator(`${step(2)} .field-hint`, { hasText: /Ufficio|Office/ }).first().waitFor();
      const dup = await waitForDuplicate(page, first.code);
      assert.match(await dup.textContent(), /Buca profonda in via del Santo/);
      assert.equal(await page.locator('section.duplicates li.duplicate input[type=email]').count(), 0,
        'signed in, "same problem" needs no email');

      await goToStep(page, 3);
      const photo = await photoWithGps(page);
      await page.setInputFiles('#campo-photos', { name: 'buca.jpg', mimeType: 'image/jpeg', buffer: photo });
      await goToStep(page, 4);
      assert.equal(await page.locator('#campo-email').count(), 0, 'signed in, no contact fields');
      const { code } = await send(page);
      assert.notEqual(code, first.code);
      assert.match(await page.locator('main').textContent(), new RegExp(escapeRe(title)));

      // The receipt by email, to the account's address.
      const receiptMail = await waitForMessage(CITIZEN.email, (m) => m.subject.includes(code));
      assert.ok(receiptMail, `the receipt of ${code} reached the SMTP sink`);
      assert.match(receiptMail.subject, /Segnalazione ricevuta|Report received/);

      // On the map's list (newest first, the whole municipality on the first view).
      await page.goto(BASE + '/');
      await page.waitForSelector(`#elenco li.report-row[data-receipt="${code}"]`, { state: 'attached', timeout: 20_000 });
      assert.equal(
        (await page.locator(`#elenco li.report-row[data-receipt="${code}"] .report-row-title`).textContent()).trim(), title);
      await waitForPins(page);

      // On La mia pagina.
      await page.goto(BASE + '/la-mia-pagina');
      await page.locator('.my-report .receipt-code', { hasText: code }).waitFor({ timeout: 15_000 });

      // On its own page, with the photo re-encoded: no Exif, no GPS, not the bytes sent.
      const res = await page.goto(BASE + `/segnalazioni/${code}`);
      assert.equal(res.status(), 200);
      assert.equal((await page.locator('h1').first().textContent()).trim(), title);
      assert.equal((await page.locator('dd.receipt-code').textContent()).trim(), code);
      await page.waitForSelector('section.photos ul.photo-list img', { state: 'attached' });
      assert.equal(await page.locator('section.photos ul.photo-list img').count(), 1);
      const href = await page.locator('section.photos ul.photo-list li a').first().getAttribute('href');
      assert.match(href, /^\/foto\//);
      const full = await context.request.get(BASE + href);
      assert.equal(full.status(), 200);
      assert.match(full.headers()['content-type'] ?? '', /^image\/jpeg/);
      const bytes = await full.body();
      assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG');
      assert.equal(bytes.indexOf('Exif'), -1, 'no Exif segment left');
      assert.equal(bytes.indexOf('GPS'), -1, 'no GPS data left');
      assert.equal(bytes.equals(photo), false, 'the photo was re-encoded');
      await page.waitForLoadState('networkidle');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}

// The focus moves after the frame that shows a step: wait for it (or fail with what holds it instead).
async function focusIs(page, id, message) {
  await page.waitForFunction((want) => document.activeElement?.id === want, id, { timeout: 5_000 }).catch(() => {});
  assert.equal(await page.evaluate(() => document.activeElement?.id), id, message);
}

test('"it is the same problem": a visitor supports an existing report instead of filing a new one', async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    page.setDefaultTimeout(30_000);
    // The existing report, by the demo citizen (who cannot support their own).
    await signIn(page, CITIZEN);
    const title = 'Buca larga davanti al civico 3 di via Roma';
    const { code } = await fileReport(page, {
      query: 'via Roma',
      title,
      description: 'La buca occupa metà corsia ed è piena d\'acqua.',
    });
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/accedi' && u.searchParams.get('avviso') === 'uscito', { timeout: 20_000 }),
      page.click('.site-header form[action="/esci"] button'),
    ]);

    // A visitor without an account starts the same report.
    const before = await totalReports(context);
    await openForm(page);
    await choosePlace(page, 'via Roma');
    await goToStep(page, 2);
    await describe(page, { category: 'Buche stradali', title, description: 'Stessa buca, vista stamattina.' });
    const dup = await waitForDuplicate(page, code);
    // A duplicate on show does not hold the visitor back (its "same problem" address is another form's field):
    // "Avanti" goes on, and the new step's heading takes the focus while the status says where they are.
    await goToStep(page, 3);
    await focusIs(page, 'passo-3', 'the focus is on step 3');
    assert.equal((await page.locator('#passo-annuncio').textContent()).trim(), 'Passo 3 di 4');
    await page.click(`${step(3)} .step-buttons button:not(.primary)`);
    await page.waitForSelector(`${step(2)}:not([hidden])`);
    await focusIs(page, 'passo-2', 'and back on step 2');
    const email = unique('sostenitore');
    await dup.locator('input[type=email]').fill(email);
    await Promise.all([
      page.waitForURL((u) => u.pathname === `/segnalazioni/${code}` && u.searchParams.get('avviso') === 'conferma-inviata',
        { timeout: 20_000 }),
      dup.locator('button[type=submit]').click(),
    ]);
    assert.match(await page.locator('.notice').first().textContent(), /Ti abbiamo scritto/);
    assert.equal((await page.locator('dd.supporters').textContent()).trim(), '0', 'not counted before confirmation');

    await confirmFromMail(page, email, code);
    assert.equal((await page.locator('dd.supporters').textContent()).trim(), '1');
    assert.equal(await totalReports(context), before, 'no new report was filed');
    await page.waitForLoadState('networkidle');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a report sent without an account is public only after its emailed link is confirmed', async () => {
  const { context, page, errors } = await openPage(browser, { allow: ['404'] });
  try {
    page.setDefaultTimeout(30_000);
    const email = unique('anonimo');
    const title = 'Buca nel vialetto sul lato est di Prato della Valle';
    const { code } = await fileReport(page, {
      query: 'Prato della Valle',
      category: 'Buche stradali',
      title,
      description: 'Dal lato della basilica il vialetto ha una buca profonda, piena d\'acqua quando piove.',
      email,
    });
    await page.waitForSelector('.notice.awaiting');
    assert.match(await page.locator('.notice.awaiting').textContent(), /confermare/);

    // Not public yet.
    const hidden = await page.goto(BASE + `/segnalazioni/${code}`);
    assert.equal(hidden.status(), 404);
    await page.waitForLoadState('networkidle');

    await confirmFromMail(page, email, code);
    assert.equal((await page.locator('h1').first().textContent()).trim(), title);
    const shown = await context.request.get(BASE + `/segnalazioni/${code}`);
    assert.equal(shown.status(), 200);

    // Confirmed, its receipt is mailed too.
    const receipt = await waitForMessage(email, (m) => m.subject === `Segnalazione ricevuta: ${code}`);
    assert.ok(receipt, `the receipt of ${code} reached the SMTP sink`);
    await page.waitForLoadState('networkidle');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the reporting form: a skip link first, and choosing an address leaves the focus on it', async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    await openForm(page);
    // The first Tab reaches "Vai al contenuto", which takes the focus past the header and the map.
    await page.keyboard.press('Tab');
    assert.equal((await page.evaluate(() => document.activeElement?.textContent))?.trim(), 'Vai al contenuto');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'contenuto');
    // A place chosen from the list: the list goes away, the focus is on the address that now names it.
    await choosePlace(page, 'via Roma');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'campo-address');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a spot outside the municipality is refused at once, and "Avanti" stays disabled', async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    page.setDefaultTimeout(30_000);
    await openForm(page);
    // The coordinate fields move a pin already placed (each reads the other coordinate from the pin).
    await choosePlace(page, 'via Roma');
    const setCoord = async (id, value) => {
      const info = pointInfo(page);
      await page.fill(id, value);
      await page.press(id, 'Tab');
      await info;
    };
    await setCoord('#campo-lat', '45.0');
    await setCoord('#campo-lng', '11.0');
    const error = page.locator('.place-status .form-error');
    await error.waitFor({ timeout: 10_000 });
    assert.match(await error.textContent(), /fuori dal territorio comunale/);
    assert.equal(await page.locator(nextButton).isDisabled(), true);

    // Back inside: the error goes and "Avanti" works again.
    await setCoord('#campo-lat', '45.4043');
    await setCoord('#campo-lng', '11.8764');
    await error.waitFor({ state: 'detached', timeout: 10_000 });
    await page.locator('.place-status .chosen-place').waitFor();
    assert.equal(await page.locator(nextButton).isDisabled(), false);
    await page.waitForLoadState('networkidle');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
