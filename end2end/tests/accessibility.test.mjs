// WCAG 2.1 AA checks (axe-core, run from node_modules: no network) on the public pages, in both languages.
// Italian public administrations must meet these rules; a serious or critical violation fails the test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import { BASE, launch, openPage, waitForPins } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function audit(page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

test('the map and list pages have no serious accessibility violations, at desktop and phone sizes', async () => {
  for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    const { context, page, errors } = await openPage(browser);
    await page.setViewportSize(viewport);
    await page.goto(BASE + '/');
    await waitForPins(page);
    await page.locator('.filter-box summary').click();
    assert.deepEqual(await audit(page), [], `map at ${viewport.width} px`);
    await page.goto(BASE + '/elenco?stato=aperte');
    assert.deepEqual(await audit(page), [], `list at ${viewport.width} px`);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('the reporting form has no serious accessibility violations, at every step, at desktop and phone sizes', async () => {
  for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    const { context, page, errors } = await openPage(browser);
    await page.setViewportSize(viewport);
    // Without WASM's steps first: the plain form the server sends, every step visible.
    await page.goto(BASE + '/segnala');
    await page.waitForSelector('.step-buttons .button.primary');
    assert.deepEqual(await audit(page), [], `step 1 (${viewport.width} px)`);
    // A place from the gazetteer, then the other steps as a citizen walks through them.
    await page.fill('#campo-address', 'via Roma');
    await page.click('.address-search .button');
    await page.click('.place-hits button');
    await page.waitForSelector('.chosen-place');
    await page.click('fieldset.step:not([hidden]) .step-buttons .button.primary');
    assert.deepEqual(await audit(page), [], `step 2 (${viewport.width} px)`);
    await page.selectOption('#campo-category_id', { index: 1 });
    await page.fill('#campo-title', 'Buca profonda in via Roma');
    await page.fill('#campo-description', 'Davanti al civico 12.');
    await page.click('fieldset.step:not([hidden]) .step-buttons .button.primary');
    await page.click('fieldset.step:not([hidden]) .step-buttons .button.primary');
    assert.deepEqual(await audit(page), [], `step 4 (${viewport.width} px)`);
    // A form sent with errors comes back with them named beside the fields.
    await page.fill('#campo-email', 'non-una-email');
    await page.evaluate(() => document.querySelector('#campo-email').setAttribute('type', 'text'));
    await Promise.all([page.waitForURL('**/segnala'), page.click('button[type=submit]')]);
    await page.waitForSelector('.form-error');
    assert.deepEqual(await audit(page), [], `form with errors (${viewport.width} px)`);
    assert.deepEqual(errors.filter((e) => !e.includes('400')), []);
    await context.close();
  }
});

test('a report page has no serious accessibility violations, in English either, at desktop and phone sizes', async () => {
  for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    const { context, page, errors } = await openPage(browser);
    await page.setViewportSize(viewport);
    await page.goto(BASE + '/');
    const href = await page.locator('.report-row-title').first().getAttribute('href');
    await page.goto(BASE + href);
    await waitForPins(page);
    assert.deepEqual(await audit(page), [], `report page at ${viewport.width} px`);
    await page.goto(BASE + '/lingua/en?ritorno=' + encodeURIComponent(href));
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await waitForPins(page);
    assert.deepEqual(await audit(page), [], `report page in English at ${viewport.width} px`);
    await page.goto(BASE + '/lingua/it?ritorno=%2F');
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('every page carries the footer (contacts, privacy, accessibility), forms link the privacy notice, and the legal and identity pages have no serious violations', async () => {
  const { signIn } = await import('./flows.mjs');
  for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    const { context, page, errors } = await openPage(browser);
    await page.setViewportSize(viewport);
    for (const path of ['/', '/elenco', '/segnala', '/trasparenza', '/accedi', '/registrati']) {
      await page.goto(BASE + path);
      const footer = page.locator('footer.site-footer');
      assert.equal(await footer.locator('a[href="/privacy"]').count(), 1, `${path}: the footer links the privacy notice`);
      assert.equal(await footer.locator('a[href="/note-legali"]').count(), 1, `${path}: the footer links the legal notes`);
      assert.ok((await footer.innerText()).includes('urp@comune.padova.it'), `${path}: the footer gives the URP's contacts`);
      assert.ok(await footer.locator('a[href*="agid"], a[href="/accessibilita"]').count() >= 1, `${path}: the accessibility statement`);
    }
    for (const path of ['/segnala', '/registrati']) {
      await page.goto(BASE + path);
      assert.ok(await page.locator('main .privacy-note a[href="/privacy"]').count() >= 1, `${path}: the form links the privacy notice`);
    }
    for (const path of ['/privacy', '/accessibilita', '/note-legali']) {
      await page.goto(BASE + path);
      await page.waitForSelector('main h1');
      assert.deepEqual(await audit(page), [], `${path} at ${viewport.width} px`);
    }
    assert.ok((await page.title()).includes('Comune di Padova'), 'the title names the municipality');
    await signIn(page, { email: 'amministratore@segnala.example', password: 'demo-amministratore-padova' });
    await page.goto(BASE + '/amministrazione/ente');
    await page.waitForSelector('main form');
    assert.deepEqual(await audit(page), [], `/amministrazione/ente at ${viewport.width} px`);
    await page.goto(BASE + '/amministrazione');
    await page.waitForSelector('#lista [data-step]');
    assert.deepEqual(await audit(page), [], `/amministrazione at ${viewport.width} px`);
    assert.deepEqual(errors, []);
    await context.close();
  }
});
