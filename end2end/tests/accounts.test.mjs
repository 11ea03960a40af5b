// People and mail in a real browser: registering with the confirmation read from the SMTP sink, "La mia pagina",
// mail preferences, signing out, the forgotten password, a staff demo account, and the pages' accessibility.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import { BASE, launch, openPage, waitForMail, linkIn, waitForHydration } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PASSWORD = 'cavallo batteria graffetta';
const unique = (name) => `${name}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@esempio.it`;

async function register(page, email, name = 'Maria Rossi', password = PASSWORD) {
  await page.goto(BASE + '/registrati');
  await page.fill('#campo-nome', name);
  await page.fill('#campo-email', email);
  await page.fill('#campo-password', password);
  await Promise.all([page.waitForURL('**/registrati/inviata**'), page.click('form button[type=submit]')]);
}

async function confirmFromMail(page, email, password = PASSWORD) {
  const [mail] = await waitForMail(email, 1);
  assert.ok(mail, `a confirmation message reached the SMTP sink for ${email}`);
  assert.equal(mail.subject, 'Conferma il tuo indirizzo email');
  await page.goto(BASE + linkIn(mail, '/conferma-email/'));
  await page.fill('#campo-password', password);
  await Promise.all([page.waitForURL('**/la-mia-pagina'), page.click('form button[type=submit]')]);
}

test('register, confirm from the email, see La mia pagina, change a preference, sign out', async () => {
  const { context, page, errors } = await openPage(browser);
  const email = unique('maria');
  await register(page, email);
  assert.match(await page.locator('main').textContent(), /m\*\*\*@esempio\.it/);

  await confirmFromMail(page, email);
  assert.equal((await page.locator('.account-name').textContent()).trim(), 'Maria Rossi');
  assert.equal((await page.locator('.account-role').textContent()).trim(), 'Cittadino');
  assert.match(await page.locator('.site-header').textContent(), /Maria Rossi/);
  assert.equal(await page.locator('.session.current').count(), 1, 'this browser is listed as a session');

  // Turn one notification off; it stays off.
  const box = page.locator('#notifica-comments');
  assert.equal(await box.isChecked(), true);
  await box.uncheck();
  await Promise.all([page.waitForURL('**/la-mia-pagina?avviso=salvato'), page.click('form[action="/la-mia-pagina/notifiche"] button')]);
  assert.match(await page.locator('.notice').textContent(), /Modifiche salvate/);
  assert.equal(await page.locator('#notifica-comments').isChecked(), false);
  assert.equal(await page.locator('#notifica-my_reports').isChecked(), true);

  await Promise.all([page.waitForURL('**/accedi?avviso=uscito'), page.click('.site-header form[action="/esci"] button')]);
  assert.match(await page.locator('.notice').textContent(), /Sei uscito/);
  assert.equal(await page.locator('.site-header .sign-in').count(), 1, 'the header offers Accedi again');
  await page.goto(BASE + '/la-mia-pagina');
  assert.match(await page.locator('main').textContent(), /devi accedere/);
  assert.deepEqual(errors.filter((e) => !e.includes('401')), []);
  await context.close();
});

test('a forgotten password is reset from the emailed link', async () => {
  const { context, page, errors } = await openPage(browser);
  const email = unique('luca');
  await register(page, email, 'Luca Bianchi');
  await confirmFromMail(page, email);
  await page.click('.site-header form[action="/esci"] button');
  await page.waitForURL('**/accedi?avviso=uscito');

  await page.click('a[href="/password-dimenticata"]');
  await page.fill('#campo-email', email);
  await Promise.all([page.waitForURL('**/password-dimenticata?inviata=1'), page.click('form button[type=submit]')]);
  assert.match(await page.locator('.notice').textContent(), /Se esiste un account/);
  const mails = await waitForMail(email, 2);
  const reset = mails.find((m) => m.subject === 'Scegli una nuova password');
  assert.ok(reset, 'the reset message reached the SMTP sink');
  await page.goto(BASE + linkIn(reset, '/nuova-password/'));
  await page.fill('#campo-password', 'una frase nuova e lunga');
  await Promise.all([page.waitForURL('**/la-mia-pagina**'), page.click('form button[type=submit]')]);
  assert.match(await page.locator('.notice').textContent(), /Password cambiata/);

  // The new password signs in; the old one does not.
  await page.click('.site-header form[action="/esci"] button');
  await page.waitForURL('**/accedi?avviso=uscito');
  await page.fill('#campo-email', email);
  await page.fill('#campo-password', PASSWORD);
  await page.click('form[action="/accedi"] button[type=submit]');
  await page.waitForSelector('.form-error');
  assert.match(await page.locator('.form-error').textContent(), /Email o password non corretti/);
  await page.fill('#campo-password', 'una frase nuova e lunga');
  await Promise.all([page.waitForURL('**/la-mia-pagina'), page.click('form[action="/accedi"] button[type=submit]')]);
  assert.deepEqual(errors.filter((e) => !e.includes('401')), []);
  await context.close();
});

test('a staff demo account signs in and sees its role', async () => {
  const { context, page, errors } = await openPage(browser);
  await page.goto(BASE + '/');
  await Promise.all([page.waitForURL('**/accedi**'), page.click('.site-header .sign-in')]);
  await page.fill('#campo-email', 'operatore.lavori@segnala.example');
  await page.fill('#campo-password', 'demo-operatore-padova');
  await Promise.all([page.waitForURL(BASE + '/'), page.click('form[action="/accedi"] button[type=submit]')]);
  // Back on the map it came from, with the role in the header.
  assert.match(await page.locator('.site-header').textContent(), /geom\. Luca Bianchi.*Personale d'ufficio/s);
  await page.click('.site-header a[href="/la-mia-pagina"]');
  await page.waitForURL('**/la-mia-pagina');
  assert.equal((await page.locator('.account-role').textContent()).trim(), "Personale d'ufficio");
  assert.match(await page.locator('main').textContent(), /Lavori pubblici/);
  assert.match(await page.locator('main').textContent(), /Verifica in due passaggi/, 'staff may turn on a second factor');
  assert.deepEqual(errors, []);
  await context.close();
});

test('with WASM, the registration form checks fields as they are typed', async () => {
  const { context, page, errors } = await openPage(browser);
  await page.goto(BASE + '/registrati');
  await waitForHydration(page);
  assert.ok(await page.evaluate(() => performance.getEntriesByType('resource')
    .some((r) => r.name.includes('segnala-full') && r.name.endsWith('.wasm'))), 'the full bundle hydrated it');
  await page.fill('#campo-password', 'corta');
  await page.locator('#campo-password').dispatchEvent('change');
  await page.waitForSelector('#campo-password-errore');
  assert.match(await page.locator('#campo-password-errore').textContent(), /almeno 12 caratteri/);
  assert.equal(await page.getAttribute('#campo-password', 'aria-invalid'), 'true');
  await page.fill('#campo-email', 'maria@');
  await page.locator('#campo-email').dispatchEvent('change');
  await page.waitForSelector('#campo-email-errore');
  assert.deepEqual(errors, []);
  await context.close();
});

async function audit(page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

test('the account pages have no serious accessibility violations', async () => {
  const { context, page, errors } = await openPage(browser);
  for (const path of ['/accedi', '/registrati', '/password-dimenticata']) {
    await page.goto(BASE + path);
    assert.deepEqual(await audit(page), [], path);
  }
  // A form with errors, and La mia pagina of a staff member.
  await page.goto(BASE + '/registrati');
  await page.fill('#campo-nome', 'M');
  await page.fill('#campo-email', 'maria@esempio.it');
  await page.fill('#campo-password', 'qwerty123456');
  await page.click('form button[type=submit]');
  await page.waitForSelector('.form-error');
  assert.deepEqual(await audit(page), [], 'registration with errors');
  await page.goto(BASE + '/accedi');
  await page.fill('#campo-email', 'urp@segnala.example');
  await page.fill('#campo-password', 'demo-urp-padova');
  await Promise.all([page.waitForURL('**/la-mia-pagina'), page.click('form[action="/accedi"] button[type=submit]')]);
  assert.deepEqual(await audit(page), [], '/la-mia-pagina');
  assert.deepEqual(errors.filter((e) => !e.includes('400')), []);
  await context.close();
});
