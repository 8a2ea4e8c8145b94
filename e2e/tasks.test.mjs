// The start page's task list ("Att göra"), per role: each demo user logs in,
// finds its real task on the start page, and reaches the place where it is
// done in one click. The coordinator sends in the unit's yearly report, and
// the owner is then asked to approve it. Every start page without axe
// violations, in Swedish and in English.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkA11y,
  clickAndWait,
  login,
  newContext,
  pageChecker,
  pathOf,
  screenshot,
  setLanguage,
  squash,
  startLisa,
  submitForm,
} from './helpers.mjs';

const KOMMUN = 'Exempla kommun';
const SOCIAL = 'Socialförvaltningen';
const YEAR = '2026';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const TIMEOUT_MS = 240_000;

/** A new browser context with `email` logged in, on the start page. */
async function startPage(t, browser, url, email) {
  const context = await newContext(browser);
  t.after(() => context.close());
  const page = await context.newPage();
  await login(page, url, email);
  assert.equal(pathOf(page), '/', `${email} is on the start page`);
  return page;
}

/** The task cards on the start page as [{ title, text, href }]. */
async function tasks(page) {
  return page.locator('section[aria-labelledby="attention"] li.card').evaluateAll((cards) =>
    cards.map((c) => ({
      title: c.querySelector('a').textContent.trim(),
      href: c.querySelector('a').getAttribute('href'),
      text: c.textContent.replace(/\s+/g, ' ').trim(),
    })),
  );
}

/** The one card whose link reads `title`; its link is followed in one click. */
async function follow(page, title) {
  const link = page.locator('section[aria-labelledby="attention"] li.card a', { hasText: title });
  assert.equal(await link.count(), 1, `one task "${title}" in ${JSON.stringify(await tasks(page), null, 1)}`);
  const res = await clickAndWait(page, link);
  assert.equal(res.status(), 200, `the task "${title}" leads to a page`);
}

test('every role finds its real task on the start page and reaches it in one click', { timeout: TIMEOUT_MS }, async (t) => {
  const { url, browser } = await startLisa(t, 'tasks');

  // --- The kommun's CISO: the draft self-assessment, the review in preparation, overdue actions. ---
  const ciso = await startPage(t, browser, url, 'ciso@exempla.se');
  const cs = pageChecker(ciso, url, 'sv');
  await cs.check('start page of the CISO', { shot: 'tasks-ciso' });
  const mine = await tasks(ciso);
  const titles = mine.map((x) => x.title);
  assert.ok(titles.includes(`Fortsätt självskattningen ${YEAR} för ${KOMMUN}`), `the draft assessment: ${titles}`);
  assert.ok(titles.includes(`Förbered ledningens genomgång ${YEAR} för ${KOMMUN}`), `the review in preparation: ${titles}`);
  assert.equal(titles.filter((x) => /^Försenade åtgärder: \d+$/.test(x)).length, 1, `one card for the overdue actions: ${titles}`);
  assert.ok(!titles.some((x) => x.startsWith('Inbjudan:') && mine.find((m) => m.title === x).text.includes(`${KOMMUN} bjuder in`)),
    'no card for invitations the kommun itself sent');
  assert.doesNotMatch(await ciso.locator('main').innerText(), /Just nu finns inget som väntar på dig/);
  await follow(ciso, `Fortsätt självskattningen ${YEAR} för ${KOMMUN}`);
  assert.match(pathOf(ciso), new RegExp(`^/assessments/${UUID}$`));
  await ciso.goto(`${url}/`);
  const overdue = mine.find((x) => x.title.startsWith('Försenade åtgärder: '));
  assert.match(overdue.text, new RegExp(`\\(${KOMMUN} \\d+`), 'with how many in each organisation');
  const n = Number(overdue.title.match(/(\d+)$/)[1]);
  await follow(ciso, overdue.title);
  assert.equal(pathOf(ciso), '/plan');
  assert.equal(new URL(ciso.url()).searchParams.get('overdue'), '1');
  assert.equal(await ciso.locator('main table tbody tr').count(), n, `the plan lists the ${n} overdue actions`);
  await ciso.goto(`${url}/`);
  await follow(ciso, `Förbered ledningens genomgång ${YEAR} för ${KOMMUN}`);
  assert.match(pathOf(ciso), new RegExp(`^/reviews/${UUID}$`));
  const review = pathOf(ciso);

  // --- Management: the review to adopt, with the meeting's date. ---
  const mgmt = await startPage(t, browser, url, 'ledning@exempla.se');
  await pageChecker(mgmt, url, 'sv').check('start page of management', { shot: 'tasks-management' });
  assert.ok(!(await tasks(mgmt)).some((x) => x.title.startsWith('Inbjudan:')), 'management does not answer rounds');
  await follow(mgmt, `Fastställ ledningens genomgång ${YEAR} för ${KOMMUN}`);
  assert.equal(pathOf(mgmt), review, 'management reaches the same review');

  // --- The unit's coordinator: its yearly report, not started. ---
  const coord = await startPage(t, browser, url, 'samordnare@exempla.se');
  await pageChecker(coord, url, 'sv').check('start page of the coordinator', { shot: 'tasks-coordinator' });
  assert.doesNotMatch(await coord.locator('main').innerText(), /Just nu finns inget som väntar på dig/);
  await follow(coord, `Rapportera läget ${YEAR} för ${SOCIAL}`);
  assert.match(pathOf(coord), new RegExp(`^/unit-reports/${UUID}/${YEAR}$`));
  const report = pathOf(coord);
  // It sends the report in: every point gets a status.
  const points = coord.locator('#unit-report fieldset.question');
  for (let i = 0; i < (await points.count()); i += 1) {
    await points.nth(i).locator('input[type=radio]').nth(i % 3).check();
  }
  const res = await clickAndWait(coord, coord.getByRole('button', { name: 'Skicka in' }));
  assert.equal(res.status(), 200);
  await coord.goto(`${url}/`);
  assert.ok(!(await tasks(coord)).some((x) => x.title.startsWith('Rapportera läget')), 'a report sent in is no longer a task');
  // Socialförvaltningen holds its own review: its coordinator prepares it, and sees no other.
  assert.ok((await tasks(coord)).some((x) => x.title === `Förbered ledningens genomgång ${YEAR} för ${SOCIAL}`), 'its own review to prepare');
  await coord.goto(`${url}/reviews`);
  const listed = squash(await coord.locator('main table').innerText());
  assert.match(listed, new RegExp(`${SOCIAL} ${YEAR} Under beredning`));
  assert.doesNotMatch(listed, new RegExp(KOMMUN));

  // --- The owner: the report now waits for approval. ---
  const owner = await startPage(t, browser, url, 'agare@exempla.se');
  await pageChecker(owner, url, 'sv').check('start page of the owner', { shot: 'tasks-owner' });
  await follow(owner, `Godkänn årsrapporten ${YEAR} för ${SOCIAL}`);
  assert.equal(pathOf(owner), report);
  await submitForm(owner, owner.locator('main form[action$="/approve"]'));
  await owner.goto(`${url}/`);
  assert.ok(!(await tasks(owner)).some((x) => x.title.startsWith('Godkänn årsrapporten')), 'an approved report is no longer a task');

  // --- In English too. ---
  await setLanguage(ciso, url, 'en');
  await ciso.goto(`${url}/`);
  await pageChecker(ciso, url, 'en').check('start page of the CISO (en)', { shot: 'tasks-ciso-en' });
  const en = (await tasks(ciso)).map((x) => x.title);
  assert.ok(en.includes(`Continue the self-assessment ${YEAR} of ${KOMMUN}`), `in English: ${en}`);
  await setLanguage(ciso, url, 'sv');

  // --- The menu: on one line at 1366 px; folded behind "Meny" at 390 px. ---
  for (const [width, folded] of [[1366, false], [390, true]]) {
    const context = await newContext(browser, { viewport: { width, height: 900 } });
    t.after(() => context.close());
    const p = await context.newPage();
    await login(p, url, 'ciso@exempla.se');
    const links = p.locator('nav.main-nav ul a');
    if (!folded) {
      const tops = await links.evaluateAll((as) => as.map((a) => Math.round(a.getBoundingClientRect().top)));
      assert.equal(new Set(tops).size, 1, `the menu is one line at ${width} px: ${tops}`);
      assert.equal(await p.locator('nav.main-nav summary').isVisible(), false, 'no "Meny" on a wide screen');
      continue;
    }
    assert.equal(await links.first().isVisible(), false, 'the menu is folded');
    const h1 = await p.locator('h1').boundingBox();
    assert.ok(h1.y < 250, `the page's heading is on the first screen: ${h1.y}`);
    await p.locator('nav.main-nav summary').click();
    assert.equal(await links.first().isVisible(), true, 'and opens');
    await checkA11y(p, 'the menu open at 390 px');
    await screenshot(p, 'tasks-menu-390');
    await clickAndWait(p, p.locator('nav.main-nav ul').getByRole('link', { name: 'Handlingsplan' }));
    assert.equal(pathOf(p), '/plan');
    // The plan's rows are cards: status and "Försenad" are on the screen, nothing scrolls sideways.
    await p.goto(`${url}/plan?overdue=1`);
    const status = p.locator('table.plan tbody tr').first().locator('td[data-label="Status"]');
    const box = await status.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= width, `the status is on the screen: ${JSON.stringify(box)}`);
    assert.match(await status.innerText(), /Försenad/);
    assert.ok(await p.evaluate((w) => document.documentElement.scrollWidth <= w, width), 'no sideways scrolling');
    await checkA11y(p, 'the plan at 390 px');
    await screenshot(p, 'tasks-plan-390');
  }
});
