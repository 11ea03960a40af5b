// The reporting form and signing in, as a person does them in the browser: shared by the end-to-end tests.
import assert from 'node:assert/strict';
import { BASE } from './helpers.mjs';

export const CODE = /^SEG-\d{4}-\d{6}$/;
const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// ---- The form ------------------------------------------------------------------------------------------------

/** Step `n` of the reporting form (its fieldsets are siblings after the hidden idempotency key). */
export const step = (n) => `#report-form > fieldset.step:nth-of-type(${n})`;
export const currentStep = '#report-form > fieldset.step:not([hidden])';
export const nextButton = `${currentStep} .step-buttons button.primary`;

/** Opens /segnala and waits until the WASM has turned it into steps (only step 1 shown, "Avanti" present). */
export async function openForm(page) {
  const res = await page.goto(BASE + '/segnala');
  assert.equal(res.status(), 200);
  await page.waitForSelector(`${step(2)}[hidden]`, { state: 'attached', timeout: 30_000 });
  await page.waitForSelector(`${step(1)}:not([hidden]) .step-buttons button.primary`, { timeout: 30_000 });
  assert.equal((await page.locator(nextButton).textContent()).trim(), 'Avanti');
}

/** "Avanti" on the current step; waits for step `n` to show. */
export async function goToStep(page, n) {
  await page.click(nextButton);
  await page.waitForSelector(`${step(n)}:not([hidden])`, { timeout: 10_000 });
}

/** What the server said about the point just chosen (nearest street, district, categories offered there). */
export const pointInfo = (page) =>
  page.waitForResponse((r) => r.url().includes('/api/point_info') && r.request().method() === 'POST', { timeout: 20_000 });

/** Types `query` in the address field, presses "Cerca", picks the hit called `name`; waits for the point's info. */
export async function choosePlace(page, query, name = query) {
  await page.fill('#campo-address', query);
  await page.click('.address-search button');
  const hit = page.locator('ul.place-hits button').filter({ hasText: new RegExp(`^\\s*${escapeRe(name)}\\s*$`) });
  await hit.first().waitFor({ timeout: 15_000 });
  const info = pointInfo(page);
  await hit.first().click();
  await info;
  await page.locator('.place-status .chosen-place').waitFor({ timeout: 10_000 });
  assert.equal(await page.inputValue('#campo-address'), name, 'the chosen name fills the address field');
  assert.match(await page.inputValue('#campo-lat'), /^\d+\.\d{6}$/, 'the pin fills the coordinates');
}

/** Step 2: category (by its label), title (the change event starts the duplicate search), description. */
export async function describe(page, { category, title, description }) {
  assert.equal(await page.isChecked('#kind-problem'), true, 'a problem is the default kind');
  await page.selectOption('#campo-category_id', { label: category });
  await page.fill('#campo-title', title);
  await page.locator('#campo-title').dispatchEvent('change');
  await page.fill('#campo-description', description);
}

/** Waits until the duplicate suggestions list `code`. */
export async function waitForDuplicate(page, code) {
  const item = page.locator(`section.duplicates li.duplicate[data-receipt="${code}"]`);
  try {
    await item.waitFor({ timeout: 20_000 });
  } catch {
    const shown = await page.locator('li.duplicate').evaluateAll((ls) => ls.map((l) => l.dataset.receipt));
    assert.fail(`${code} is not among the duplicate suggestions: ${JSON.stringify(shown)}`);
  }
  return item;
}

/** Step 4's submit; waits for the receipt page and returns its code and office. */
export async function send(page) {
  const button = page.locator('#report-form button[type=submit].primary');
  assert.equal((await button.textContent()).trim(), 'Invia la segnalazione');
  await Promise.all([
    page.waitForURL((u) => u.pathname.startsWith('/ricevuta/') && u.searchParams.has('firma'), { timeout: 30_000 }),
    button.click(),
  ]);
  await page.waitForSelector('dd.receipt-code', { timeout: 15_000 });
  const code = (await page.locator('dd.receipt-code').textContent()).trim();
  const office = (await page.locator('dd.receipt-office').textContent()).trim();
  assert.match(code, CODE);
  assert.ok(office.length > 0, 'the receipt names the office the report went to');
  await page.waitForLoadState('networkidle');
  return { code, office };
}

/** A whole report through the form, without photos: place, description, (contact), send. */
export async function fileReport(page, { query, place = query, category = 'Buche stradali', title, description, email }) {
  await openForm(page);
  await choosePlace(page, query, place);
  await goToStep(page, 2);
  await describe(page, { category, title, description });
  await goToStep(page, 3);
  await goToStep(page, 4);
  assert.equal(await page.isChecked('#campo-is_public'), true, 'public is the default');
  if (email) await page.fill('#campo-email', email);
  return send(page);
}

// ---- Accounts, mail ------------------------------------------------------------------------------------------

export async function signIn(page, { email, password }) {
  await page.goto(BASE + '/accedi');
  await page.fill('#campo-email', email);
  await page.fill('#campo-password', password);
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/la-mia-pagina', { timeout: 20_000 }),
    page.click('form[action="/accedi"] button[type=submit]'),
  ]);
  await page.waitForLoadState('networkidle');
}

