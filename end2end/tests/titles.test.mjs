// People's words in a page's <head>: a report titled with markup shows it as text — in the browser's title,
// in the HTML as a parser reads it — and never as elements (a refresh to another site, styles), on every page
// that carries the report's title in its head: the public report page and the staff page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, openPage, sqlText } from './helpers.mjs';
import { signIn } from './flows.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const CITIZEN = { email: 'cittadino@segnala.example', password: 'demo-cittadino-padova' };
const URP = { email: 'urp@segnala.example', password: 'demo-urp-padova' };
const HOSTILE = 'Buca </title><meta http-equiv="refresh" content="0;url=https://example.org"><b>x</b>';

/** What a browser's parser makes of the page's HTML as served: its titles and what sits in its head. */
async function parsed(page, path) {
  const res = await page.request.get(BASE + path);
  assert.equal(res.status(), 200, path);
  const html = await res.text();
  return page.evaluate((h) => {
    const doc = new DOMParser().parseFromString(h, 'text/html');
    return {
      titles: [...doc.querySelectorAll('title')].map((t) => t.textContent),
      refresh: doc.querySelectorAll('meta[http-equiv]').length,
      bold: [...doc.querySelectorAll('b')].map((b) => b.textContent),
    };
  }, html);
}

test('a report titled with markup keeps it as text in the head of every page that shows it', async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    page.setDefaultTimeout(30_000);
    await signIn(page, CITIZEN);
    const category = sqlText("select category_id from category where name = 'Buche stradali'");
    const res = await page.request.post(BASE + '/api/v1/reports', {
      headers: { Origin: BASE },
      data: {
        kind: 'problem', category_id: Number(category), lat: 45.4064, lng: 11.8768,
        title: HOSTILE, description: 'Un titolo con dei tag dentro.',
      },
    });
    assert.equal(res.status(), 201, await res.text());
    const { receipt_code: code } = await res.json();

    const check = async (path) => {
      const p = await parsed(page, path);
      assert.equal(p.titles.length, 1, `${path}: one <title>`);
      assert.ok(p.titles[0].includes(HOSTILE), `${path}: the title is the words as typed: ${p.titles[0]}`);
      assert.equal(p.refresh, 0, `${path}: no <meta http-equiv>`);
      assert.deepEqual(p.bold, [], `${path}: no element from the title`);
      // In the browser: the same words as the document's title, no redirect, and hydration without a panic.
      await page.goto(BASE + path);
      await page.waitForSelector('html[data-hydrated]', { state: 'attached' });
      assert.ok((await page.title()).includes(HOSTILE), `${path}: document.title`);
      assert.equal(new URL(page.url()).pathname, path, `${path}: still here`);
    };
    await check(`/segnalazioni/${code}`);
    await signIn(page, URP);
    await check(`/ufficio/segnalazioni/${code}`);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
