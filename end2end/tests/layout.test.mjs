// Layout at a phone's size (390×844) and a desktop's (1280×800), signed out, as a citizen and as an
// administrator: no page is wider than the screen; the header's links and buttons neither overlap nor leave the
// screen and are at least 24 px tall; "Esci" can be tapped on a phone; and the buttons drawn as links ("Segnala
// abuso" on a report, "Nascondi" on its staff page) pass axe's colour-contrast rule.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import { BASE, launch, openPage, waitForPins } from './helpers.mjs';
import { currentStep, describe, goToStep, choosePlace, openForm, signIn, step } from './flows.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const VIEWPORTS = [{ name: 'phone', width: 390, height: 844 }, { name: 'desktop', width: 1280, height: 800 }];
const CITIZEN = { email: 'cittadino@segnala.example', password: 'demo-cittadino-padova' };
const ADMIN = { email: 'amministratore@segnala.example', password: 'demo-amministratore-padova' };
const SIGN_OUT = '.site-header form[action="/esci"] button';

/**
 * What is wrong with the page's layout, as sentences (none: []): wider than the screen (naming the widest
 * elements), and, in the header, links or buttons that overlap, leave the screen, are shorter than 24 px, whose
 * text spills out of their box, or that something else covers.
 */
async function layoutProblems(page) {
  return page.evaluate(() => {
    window.scrollTo(0, 0); // the header is measured where it is drawn at the top of the page
    const problems = [];
    const vw = document.documentElement.clientWidth;
    const vh = document.documentElement.clientHeight;
    const name = (el) => {
      const classes = typeof el.className === 'string' ? el.className.trim().split(/\s+/).filter(Boolean) : [];
      const cls = classes.map((c) => `.${c}`).join('');
      const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 30);
      return `${el.tagName.toLowerCase()}${cls}${text ? ` "${text}"` : ''}`;
    };
    const shown = (el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };

    const width = document.documentElement.scrollWidth;
    if (width > window.innerWidth) {
      // The innermost elements that reach past the right edge: where the width comes from.
      const past = [...document.body.querySelectorAll('*')]
        .filter((el) => shown(el) && el.getBoundingClientRect().right > vw + 0.5);
      const innermost = past.filter((el) => !past.some((o) => o !== el && el.contains(o)));
      problems.push(`the page is ${width} px wide on a ${window.innerWidth} px screen; past the edge: `
        + innermost.slice(0, 4).map((el) => `${name(el)} (to ${Math.round(el.getBoundingClientRect().right)} px)`).join(', '));
    }

    const header = document.querySelector('.site-header');
    if (!header) return [...problems, 'no .site-header'];
    const items = [...header.querySelectorAll('a, button')].filter(shown);
    const boxes = items.map((el) => el.getBoundingClientRect());
    const bar = header.getBoundingClientRect();
    const corners = (r) => `[${Math.round(r.left)}, ${Math.round(r.top)}] to [${Math.round(r.right)}, ${Math.round(r.bottom)}]`;
    items.forEach((el, i) => {
      const r = boxes[i];
      if (r.left < -0.5 || r.top < -0.5 || r.right > vw + 0.5 || r.bottom > vh + 0.5) {
        problems.push(`${name(el)} is not inside the screen: ${corners(r)}`);
      }
      if (r.height < 24 - 0.01) problems.push(`${name(el)} is ${r.height.toFixed(1)} px tall, under 24 px`);
      // Its text spills out of a box that shrank (a covered brand name, a cut-off "Esci").
      if (getComputedStyle(el).display !== 'inline' && el.scrollWidth > el.clientWidth + 1) {
        problems.push(`${name(el)}: its content (${el.scrollWidth} px) is wider than its box (${el.clientWidth} px)`);
      }
      // A button (a filled box: "Segnala") keeps some of the header's blue above and below it.
      const [above, below] = [r.top - bar.top, bar.bottom - r.bottom].map(Math.round);
      if (el.classList.contains('button') && (above < 4 || below < 4)) {
        problems.push(`${name(el)} touches the header's edge: ${above} px above it, ${below} px below`);
      }
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (hit && !el.contains(hit)) problems.push(`${name(el)} is covered at its centre by ${name(hit)}`);
      for (let j = i + 1; j < items.length; j += 1) {
        const o = boxes[j];
        const x = Math.min(r.right, o.right) - Math.max(r.left, o.left);
        const y = Math.min(r.bottom, o.bottom) - Math.max(r.top, o.top);
        if (x > 0.5 && y > 0.5) problems.push(`${name(el)} and ${name(items[j])} overlap (${x.toFixed(0)}×${y.toFixed(0)} px)`);
      }
    });
    return problems;
  });
}

/** Opens `path`, waits for `ready`, returns the layout's problems, each prefixed with the path. */
async function check(page, path, ready = async () => {}) {
  const res = await page.goto(BASE + path);
  assert.ok(res.status() < 400, `${path} answered ${res.status()}`);
  await ready(page);
  return checkHere(page, path);
}

/** The problems of the page as it is now (a step of the form), each prefixed with `label`. */
async function checkHere(page, label) {
  await page.waitForLoadState('networkidle');
  return (await layoutProblems(page)).map((p) => `${label}: ${p}`);
}

/** The sign-out button, at a phone's size: shown, and what a tap at its centre reaches. */
async function signOutReachable(page) {
  const button = page.locator(SIGN_OUT);
  assert.equal(await button.count(), 1, 'one "Esci" in the header');
  assert.ok(await button.isVisible(), '"Esci" is shown');
  return button.evaluate((b) => {
    const r = b.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return b === hit || b.contains(hit);
  });
}

/** Taps "Esci" where it is drawn (a mouse click at its centre, not a click on the element whatever covers it). */
async function tapSignOut(page) {
  const box = await page.locator(SIGN_OUT).boundingBox();
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/accedi' && u.searchParams.get('avviso') === 'uscito', { timeout: 20_000 }),
    page.mouse.click(box.x + box.width / 2, box.y + box.height / 2),
  ]);
}

/**
 * axe's colour-contrast violations, plus the text it leaves "to review" because it is exactly the colour of its
 * background (white on white: a 1:1 ratio is not counted as a violation, and is the worst case).
 */
async function contrastViolations(page) {
  const result = await new AxeBuilder({ page }).withRules(['color-contrast']).analyze();
  const invisible = result.incomplete.flatMap((v) => v.nodes)
    .filter((n) => n.any.some((a) => a.data?.messageKey === 'equalRatio'));
  return [...result.violations.flatMap((v) => v.nodes), ...invisible]
    .map((n) => `${n.target.join(' ')}: ${n.any.map((a) => a.message).join('; ')}`);
}

// A public, open report with a comment on it (the demo has none): posted once by the demo citizen, so that its
// page has "Segnala abuso" and its staff page "Nascondi".
let commented;
function reportWithComment() {
  commented ??= (async () => {
    const { context, page } = await openPage(browser);
    try {
      await page.goto(BASE + '/elenco?stato=aperte');
      const href = await page.locator('.report-row-title').first().getAttribute('href');
      const code = href.split('/').pop();
      await page.goto(BASE + href);
      if (await page.locator('.comment-list .comment').count() === 0) {
        await signIn(page, CITIZEN);
        await page.goto(BASE + href);
        await page.fill('#campo-comment', 'Confermo: è ancora così, ci passo tutti i giorni.');
        await Promise.all([
          page.waitForURL((u) => u.searchParams.get('avviso') === 'commento', { timeout: 20_000 }),
          page.click('form.comment-form button[type=submit]'),
        ]);
      }
      return code;
    } finally {
      await context.close();
    }
  })();
  return commented;
}

for (const viewport of VIEWPORTS) {
  const size = { width: viewport.width, height: viewport.height };

  test(`"Segnala abuso" and "Nascondi", buttons drawn as links, pass axe's colour contrast (${viewport.name})`, async () => {
    const code = await reportWithComment();
    const { context, page, errors } = await openPage(browser);
    try {
      await page.setViewportSize(size);
      await page.goto(`${BASE}/segnalazioni/${code}`);
      await waitForPins(page);
      const abuse = page.locator('.comment-list button.link-button', { hasText: 'Segnala abuso' });
      assert.ok(await abuse.count() > 0, 'the report page has "Segnala abuso"');
      const unreadable = (await contrastViolations(page)).map((v) => `report page: ${v}`);

      await signIn(page, ADMIN);
      await page.goto(`${BASE}/ufficio/segnalazioni/${code}`);
      await page.waitForLoadState('networkidle');
      const hide = page.locator('.comment-list button.link-button', { hasText: /^(Nascondi|Mostra)$/ });
      assert.ok(await hide.count() > 0, 'the staff page has "Nascondi"');
      unreadable.push(...(await contrastViolations(page)).map((v) => `staff page: ${v}`));
      assert.deepEqual(unreadable, [], `report ${code}`);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test(`public pages fit the screen, with a header whose links neither overlap nor leave it (${viewport.name})`, async () => {
    const { context, page, errors } = await openPage(browser);
    try {
      await page.setViewportSize(size);
      const problems = [];
      problems.push(...await check(page, '/', waitForPins));
      problems.push(...await check(page, '/elenco'));
      const href = await page.locator('.report-row-title').first().getAttribute('href');
      problems.push(...await check(page, href, waitForPins));
      problems.push(...await check(page, `/segnalazioni/${await reportWithComment()}`, waitForPins));
      problems.push(...await check(page, '/trasparenza'));
      problems.push(...await check(page, '/accedi'));

      // The reporting form, step by step up to the photos.
      await openForm(page);
      problems.push(...await checkHere(page, '/segnala, step 1 (place)'));
      await choosePlace(page, 'via Roma');
      await goToStep(page, 2);
      await describe(page, { category: 'Buche stradali', title: 'Buca in via Roma', description: 'Davanti al civico 12.' });
      problems.push(...await checkHere(page, '/segnala, step 2 (description)'));
      await goToStep(page, 3);
      await page.locator(`${step(3)} #campo-photos`).waitFor();
      problems.push(...await checkHere(page, '/segnala, step 3 (photos)'));
      const next = await page.locator(`${currentStep} .step-buttons button.primary`).boundingBox();
      const end = Math.round(next.x + next.width);
      if (end > size.width) problems.push(`/segnala, step 3 (photos): "Avanti" ends at ${end} px, past the ${size.width} px screen`);

      assert.deepEqual(problems, []);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test(`a citizen's pages fit the screen and "Esci" can be tapped (${viewport.name})`, async () => {
    const { context, page, errors } = await openPage(browser);
    try {
      await page.setViewportSize(size);
      await signIn(page, CITIZEN);
      const problems = [];
      problems.push(...await check(page, '/la-mia-pagina'));
      problems.push(...await check(page, `/segnalazioni/${await reportWithComment()}`, waitForPins));
      assert.deepEqual(problems, []);
      assert.ok(await signOutReachable(page), '"Esci" is what a tap at its centre reaches');
      await tapSignOut(page);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test(`an administrator's pages fit the screen, with every staff link in the header reachable (${viewport.name})`, async () => {
    const { context, page, errors } = await openPage(browser);
    try {
      await page.setViewportSize(size);
      await signIn(page, ADMIN);
      const problems = [];
      problems.push(...await check(page, '/ufficio'));
      for (const path of ['/ufficio', '/ufficio/cruscotto', '/ufficio/moderazione', '/amministrazione', '/la-mia-pagina']) {
        assert.equal(await page.locator(`.site-header a[href="${path}"]`).count(), 1, `the header links to ${path}`);
      }
      problems.push(...await check(page, `/ufficio/segnalazioni/${await reportWithComment()}`));
      problems.push(...await check(page, '/amministrazione'));
      assert.deepEqual(problems, []);
      assert.ok(await signOutReachable(page), '"Esci" is what a tap at its centre reaches');
      await tapSignOut(page);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}
