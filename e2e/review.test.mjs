// The management review (ledningens genomgång) and what feeds it, in the
// browser: the action plan, the units' yearly reports, the checklist, the
// year wheel and its calendar feed. Every new page without axe violations,
// console errors or CSP violations, in Swedish and in English; the whole
// journey of a review from start to adoption, its PDF and Word documents,
// refusal of changes to an adopted review and correction as a new version;
// the action plan's forms, filters and downloads; the private calendar
// address; and who may see what.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertPageBasics,
  assertStyled,
  checkA11y,
  clickAndWait,
  csrfOf,
  docxText,
  login,
  newContext,
  optionValueByLabel,
  pageChecker,
  pathOf,
  pdfText,
  postForm,
  screenshot,
  setLanguage,
  squash,
  startLisa,
  submitForm,
  watchProblems,
  userPage,
} from './helpers.mjs';

const CISO = 'ciso@exempla.se';
const COORDINATOR = 'samordnare@exempla.se';
const OWNER = 'agare@exempla.se';
const MANAGEMENT = 'ledning@exempla.se';
const AUDITOR = 'revisor@exempla.se';
const REGION_CISO = 'ciso@region-exempla.se';
const KOMMUN = 'Exempla kommun';
const SOCIAL = 'Socialförvaltningen';
/** A year without any review, report or action in the demo data. */
const YEAR = '2027';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const REVIEW_RE = new RegExp(`^/reviews/${UUID}$`);
const ACTION_RE = new RegExp(`^/plan/${UUID}$`);
const HASH_RE = /^[0-9a-f]{64}$/;
const ADOPTED_MSG = 'Genomgången är fastställd och kan inte ändras. Starta en ny version om något behöver rättas.';
const NOT_FOUND_H1 = 'Sidan eller uppgiften finns inte';
/** Journeys post many forms and render documents: more than one page's worth of time. */
const LONG_TIMEOUT_MS = 240_000;

/** A new browser context (own cookies) with `email` logged in; closed when the test ends. */
/** The value of one fact (a <dt>/<dd> pair) in the first fact list that has it. */
async function fact(scope, name) {
  const dd = scope.locator('dl.facts > div', { has: scope.locator('dt', { hasText: new RegExp(`^${name}$`) }) }).locator('dd');
  return (await dd.first().innerText()).trim();
}

/** The path of ORG's review for YEAR (its first version), read from /reviews. */
async function reviewPath(page, url, org, year) {
  await page.goto(`${url}/reviews`);
  const row = page
    .locator('main table tbody tr')
    .filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^${org}$`) }) })
    .filter({ has: page.getByRole('link', { name: String(year), exact: true }) });
  assert.equal(await row.count(), 1, `one review row for ${org} ${year}`);
  return row.getByRole('link', { name: String(year), exact: true }).getAttribute('href');
}

/** Rows of the list on /reviews as [org, year, status]. */
async function reviewRows(page, url) {
  await page.goto(`${url}/reviews`);
  const rows = await page.locator('main table tbody tr').allInnerTexts();
  return rows.map((r) => r.split('\t').map((c) => c.trim()));
}

/** The path of UNIT's yearly report for YEAR, read from /unit-reports. */
async function unitReportPath(page, url, unit, year) {
  await page.goto(`${url}/unit-reports?year=${year}`);
  const link = page.locator('main table').getByRole('link', { name: unit, exact: true });
  assert.equal(await link.count(), 1, `one report link for ${unit} ${year}`);
  return link.getAttribute('href');
}

/** The path of ORG's self-assessment for YEAR, read from /assessments. */
async function assessmentPath(page, url, org, year) {
  await page.goto(`${url}/assessments`);
  const row = page
    .locator('main table tbody tr')
    .filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^${org}$`) }) })
    .filter({ has: page.getByRole('link', { name: new RegExp(`^${year}`) }) });
  assert.equal(await row.count(), 1, `one assessment row for ${org} ${year}`);
  return row.getByRole('link', { name: new RegExp(`^${year}`) }).getAttribute('href');
}

/** The rows of the action plan's table shown, as { title, org, cells, overdue }. */
async function planRows(page) {
  return page.locator('main table tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      title: tr.querySelector('td a')?.textContent.trim() ?? '',
      org: tr.querySelector('td .muted')?.textContent.trim() ?? '',
      cells: [...tr.querySelectorAll('td')].map((td) => td.innerText.replace(/\s+/g, ' ').trim()),
      overdue: tr.classList.contains('overdue'),
    })),
  );
}

/** The number shown for one of the plan's totals. */
async function total(page, name) {
  const dd = page.locator('dl.stats > div', { has: page.locator('dt', { hasText: new RegExp(`^${name}$`) }) }).locator('dd');
  return Number((await dd.innerText()).trim().split(/\s/)[0]);
}

/** The action plan's "new action" form, filled in; returns the form. */
async function fillAction(page, { org, title, responsible = '', cost = '', start = '', end = '', status, goal, activity }) {
  const form = page.locator('main form[action="/plan"]');
  if (org) {
    const select = form.getByLabel('Organisation eller enhet');
    await select.selectOption(await optionValueByLabel(select, org));
  }
  await form.getByLabel('Rubrik').fill(title);
  if (goal !== undefined) await form.getByLabel('Mål').fill(goal);
  if (activity !== undefined) await form.getByLabel('Aktivitet').fill(activity);
  await form.getByLabel('Ansvarig').fill(responsible);
  await form.getByLabel('Kostnad i kronor').fill(cost);
  await form.getByLabel('Startdatum').fill(start);
  await form.getByLabel('Slutdatum').fill(end);
  if (status) await form.getByLabel('Status').selectOption({ label: status });
  return form;
}

/** Text compared without white space differences and without hyphens (a PDF breaks "e-post" as "e-" and "post"). */
function loose(text) {
  return squash(text).replace(/[-\u00ad\u2010\u2011]\s?/g, '');
}

/** Unfolds an iCalendar document's folded lines (RFC 5545, 3.1). */
function unfold(ics) {
  return ics.replace(/\r?\n[ \t]/g, '');
}

test('new pages: no console errors or CSP violations, no axe violations (sv and en)', { timeout: LONG_TIMEOUT_MS }, async (t) => {
  const { url, browser } = await startLisa(t, 'review-pages');
  const page = await userPage(t, browser, url, CISO);
  const sv = pageChecker(page, url, 'sv');

  // The main menu leads to the action plan and the management review.
  const nav = page.getByRole('navigation', { name: 'Huvudmeny' });
  await clickAndWait(page, nav.getByRole('link', { name: 'Handlingsplan', exact: true }));
  assert.equal(pathOf(page), '/plan');
  assert.equal(await nav.getByRole('link', { name: 'Handlingsplan', exact: true }).getAttribute('aria-current'), 'page');
  await clickAndWait(page, nav.getByRole('link', { name: 'Ledningens genomgång', exact: true }));
  assert.equal(pathOf(page), '/reviews');

  // Addresses of the demo data.
  const review2026 = await reviewPath(page, url, KOMMUN, 2026);
  const review2025 = await reviewPath(page, url, KOMMUN, 2025);
  await page.goto(url + review2026);
  const checklist = await page.getByRole('link', { name: 'Checklista för ledningens genomgång' }).getAttribute('href');
  const unitReport = await unitReportPath(page, url, 'Samhällsbyggnadsförvaltningen', 2026);
  await page.goto(`${url}/plan`);
  const action = await page.locator('main table tbody a').first().getAttribute('href');
  await page.goto(`${url}/yearwheel`);
  const activity = await page.locator('ol.months').getByRole('link', { name: 'Ledningens genomgång' }).first().getAttribute('href');
  const result = `${await assessmentPath(page, url, KOMMUN, 2026)}/result`;
  sv.watch.take();

  // Each page with the h1 it shows, in Swedish and in English.
  const pages = [
    ['/plan', 'Handlingsplan', 'Action plan', 'review-plan'],
    ['/plan?overdue=1', 'Handlingsplan', 'Action plan'],
    ['/plan/new', 'Ny åtgärd', 'New action'],
    [action, /.+/, /.+/],
    ['/reviews', 'Ledningens genomgång', 'Management review'],
    [review2026, 'Ledningens genomgång 2026 Exempla kommun', 'Management review 2026 Exempla kommun', 'review-2026'],
    [review2025, 'Ledningens genomgång 2025 Exempla kommun', 'Management review 2025 Exempla kommun'],
    ['/unit-reports?year=2026', 'Enheternas årsrapporter 2026', "The units' yearly reports 2026"],
    [unitReport, 'Årsrapport 2026 Samhällsbyggnadsförvaltningen', 'Yearly report 2026 Samhällsbyggnadsförvaltningen', 'review-unit-report'],
    [checklist, 'Checklista för ledningens genomgång Exempla kommun', 'Checklist of the management review Exempla kommun'],
    ['/yearwheel', /^Årshjul \d{4}$/, /^Year wheel \d{4}$/, 'review-yearwheel'],
    [activity, 'Ledningens genomgång Exempla kommun', 'Ledningens genomgång Exempla kommun'],
    ['/account', 'Mitt konto', 'My account'],
    [result, 'Resultat 2026 – Exempla kommun', 'Result 2026 – Exempla kommun'],
  ];
  const h1 = async () => squash(await page.locator('h1').innerText());
  for (const [path, svH1, , shot] of pages) {
    await sv.visit(path, { shot, label: `${path} (sv)` });
    if (svH1 instanceof RegExp) assert.match(await h1(), svH1, `h1 of ${path}`);
    else assert.equal(await h1(), svH1, `h1 of ${path}`);
  }

  // Some things a user looks for on them.
  await page.goto(url + review2026);
  const headings = await page.locator('main h2').allInnerTexts();
  for (const [i, name] of [
    'Självskattningens nivå och utveckling',
    'Återkoppling som ännu inte är åtgärdad',
    'Handlingsplanens läge',
    'Förra genomgångens beslut',
    'Uppföljning av förra året',
    'Enheternas rapporter',
    'Genomgångar i förvaltningar och bolag',
    'Styrdokument',
    'Granskningar: öppna rekommendationer',
    'Incidenter',
    'Utbildning',
    'Informationstillgångar, risker och personuppgifter',
    'Risker och iakttagelser',
    'Dataskyddsombudets årsrapport',
    'Förändringar i omvärlden',
    'Förslag',
    'Beslut',
  ].entries()) {
    assert.ok(headings.includes(`${i + 1}. ${name}`), `section "${i + 1}. ${name}" in ${JSON.stringify(headings)}`);
  }
  assert.equal(await page.locator('form.comment-form').count(), 1, 'one form holds every comment');
  assert.equal(await page.locator('section.review-section textarea[form="review-comments"]').count(), 16, 'a comment box in each of the 16 sections');
  assert.equal(await page.locator('section.review-section button[form="review-comments"]').count(), 16, 'and a button to save them');
  assert.equal(await page.locator('#s-assessment .chart-pair figure svg').count(), 2, 'the level chart and the area chart');
  assert.equal(await page.locator('#s-incidents .chart-pair figure svg').count(), 2, 'incidents by category and per year');
  assert.equal(await page.locator('#s-training .chart-pair figure svg').count(), 2, 'coverage against the target and its trend');
  await page.goto(url + review2025);
  assert.equal(await fact(page, 'Status'), 'Fastställd');
  assert.match(await page.locator('code.hash').innerText(), HASH_RE);
  assert.equal(await page.locator('form.comment-form').count(), 0, 'no comment forms on an adopted review');
  await page.goto(`${url}/yearwheel`);
  assert.equal(await page.locator('ol.months > li.month').count(), 12, 'twelve months');
  const year = Number((await h1()).split(' ')[1]);
  const now = new Date(Date.now() + 3_600_000);
  assert.equal(await page.locator('li.month.current').count(), year === now.getUTCFullYear() ? 1 : 0, 'the current month is marked');

  // The layout at 1280 px: the plan's table fits, months in a grid, charts side by side, numbers right-aligned.
  await page.goto(`${url}/plan`);
  const fits = await page.locator('main table').evaluate((t) => t.scrollWidth <= t.parentElement.clientWidth);
  assert.ok(fits, 'the action plan table fits its column without scrolling at 1280 px');
  assert.equal(await page.locator('main table th.num').evaluate((th) => getComputedStyle(th).textAlign), 'right');
  await page.goto(`${url}/yearwheel`);
  const tops = await page.locator('li.month').evaluateAll((lis) => lis.map((li) => Math.round(li.getBoundingClientRect().top)));
  const perRow = tops.filter((top) => top === tops[0]).length;
  assert.ok(perRow >= 3 && perRow <= 4, `3–4 months a row at 1280 px, not ${perRow}`);
  await page.goto(url + review2026);
  const figures = () => page.locator('.chart-pair figure').evaluateAll((fs) => fs.map((f) => f.getBoundingClientRect()).map((r) => ({ top: Math.round(r.top), left: Math.round(r.left) })));
  let [a, b] = await figures();
  // One under the other, each at its drawn width, so its labels keep their size (13 px, not 9).
  assert.ok(a.left === b.left && a.top < b.top, `the charts one under the other: ${JSON.stringify([a, b])}`);
  const label = await page.locator('.chart-pair figure svg').first().evaluate((svg) => {
    const t = [...svg.querySelectorAll('text')].find((x) => x.textContent.trim().length > 3);
    return t.getBoundingClientRect().height;
  });
  assert.ok(label >= 12, `chart labels are readable: ${label} px high`);
  // The area chart tells the years apart without colour: every series but the first is hatched.
  assert.ok((await page.locator('.chart-pair svg pattern').count()) >= 1, 'hatched series');
  await page.setViewportSize({ width: 480, height: 900 });
  [a, b] = await figures();
  assert.ok(a.left === b.left && a.top < b.top, `the charts stacked on a narrow screen: ${JSON.stringify([a, b])}`);
  await checkA11y(page, 'review on a narrow screen');
  for (const path of [review2025, '/plan', '/reviews', '/unit-reports?year=2026', unitReport, checklist, '/yearwheel']) {
    await page.goto(url + path);
    await checkA11y(page, `${path} on a narrow screen`);
  }
  await page.goto(url + review2025);
  assert.ok(await page.locator('code.hash').evaluate((c) => c.getBoundingClientRect().right <= document.documentElement.clientWidth), 'the hash wraps on a narrow screen');
  await screenshot(page, 'review-2025-narrow');
  await page.setViewportSize({ width: 1280, height: 900 });

  // Forms shown again with an error.
  await page.goto(`${url}/plan/new`);
  await fillAction(page, { org: KOMMUN, title: 'Felaktig åtgärd', start: '2027-05-01', end: '2027-04-01' });
  let res = await submitForm(page, page.locator('main form[action="/plan"]'));
  assert.equal(res.status(), 422);
  await sv.check('/plan/new with an error');
  await page.goto(`${url}/reviews`);
  const start = page.locator('main form[action="/reviews"]');
  await start.getByLabel('Organisation').selectOption({ label: KOMMUN });
  await start.getByLabel('År').fill('2026');
  res = await clickAndWait(page, start.getByRole('button', { name: 'Påbörja genomgången' }));
  assert.equal(res.status(), 422, 'a second review for 2026 is refused');
  assert.match(await page.locator('#error-summary').innerText(), /Det finns redan en ledningens genomgång för organisationen det året/);
  await sv.check('/reviews with an error', { shot: 'review-start-error' });
  await page.goto(`${url}/yearwheel`);
  const add = page.locator('main form[method=post][action="/yearwheel"]');
  await add.getByLabel('Rubrik').fill('Felaktig aktivitet');
  await add.getByLabel('Dag', { exact: true }).fill('40');
  res = await clickAndWait(page, add.getByRole('button', { name: 'Lägg till aktivitet' }));
  assert.equal(res.status(), 422);
  assert.match(await page.locator('#error-summary').innerText(), /Dagen ska vara ett tal från 1 till 31/);
  assert.equal(await page.locator('#f-day').getAttribute('aria-invalid'), 'true');
  await sv.check('/yearwheel with an error');

  // The checklist: a point is added, then taken out of use.
  const POINT = 'Kontinuitetsplan för kritiska verksamhetssystem';
  await page.goto(url + checklist);
  const pointsBefore = await page.locator('main table tbody tr').count();
  const addPoint = page.locator('main form[method=post]').filter({ has: page.getByRole('button', { name: 'Lägg till punkt' }) });
  res = await clickAndWait(page, addPoint.getByRole('button', { name: 'Lägg till punkt' }));
  assert.equal(res.status(), 422, 'an empty point is refused');
  assert.equal(await page.locator('#f-text').getAttribute('aria-invalid'), 'true');
  await sv.check('checklist with an error');
  await page.locator('#f-text').fill(POINT);
  res = await clickAndWait(page, page.getByRole('button', { name: 'Lägg till punkt' }));
  assert.equal(res.status(), 200);
  assert.equal(pathOf(page), checklist);
  assert.equal(await page.locator('main table tbody tr').count(), pointsBefore + 1);
  const pointRow = page.locator('main table tbody tr').last();
  assert.equal(await pointRow.getByRole('textbox').inputValue(), POINT);
  await page.goto(url + unitReport.replace(/\/2026$/, `/${YEAR}`));
  assert.equal(await page.locator('fieldset.question legend', { hasText: POINT }).count(), 1, 'the new point is reported on');
  await page.goto(url + checklist);
  await page.locator('main table tbody tr').last().getByRole('checkbox').uncheck();
  res = await clickAndWait(page, page.locator('main table tbody tr').last().getByRole('button', { name: /^Spara/ }));
  assert.equal(res.status(), 200);
  assert.equal(await page.locator('main table tbody tr').last().getByRole('checkbox').isChecked(), false, 'taken out of use');
  await sv.check('checklist after the changes');
  await page.goto(url + unitReport.replace(/\/2026$/, `/${YEAR}`));
  assert.equal(await page.locator('fieldset.question legend', { hasText: POINT }).count(), 0, 'a point out of use is not reported on');
  sv.watch.assertNone('checklist');

  // The same pages in English.
  await setLanguage(page, url, 'en');
  const en = pageChecker(page, url, 'en');
  for (const [path, , enH1, shot] of pages) {
    await en.visit(path, { label: `${path} (en)`, shot: shot && `${shot}-en` });
    if (enH1 instanceof RegExp) assert.match(await h1(), enH1, `h1 of ${path} in English`);
    else assert.equal(await h1(), enH1, `h1 of ${path} in English`);
  }
  await page.goto(`${url}/plan`);
  const main = await page.locator('main').innerText();
  assert.doesNotMatch(main, /Ny åtgärd|Sammanställning|Bara försenade|Ladda ner/, 'no Swedish left on /plan');
  assert.ok(await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Action plan' }).isVisible());
  await page.goto(`${url}/plan/new`);
  await page.locator('#f-title').fill('Broken action');
  await page.locator('#f-cost').fill('-1');
  res = await submitForm(page, page.locator('main form[action="/plan"]'));
  assert.equal(res.status(), 422);
  assert.doesNotMatch(await page.locator('#error-summary').innerText(), /Kostnaden/);
  await en.check('/plan/new with an error (en)');
});

test('journey: a 2027 review is started, prepared, adopted, documented, refused changes and corrected', { timeout: LONG_TIMEOUT_MS }, async (t) => {
  const { url, browser } = await startLisa(t, 'review-journey');
  const page = await userPage(t, browser, url, CISO);
  const watch = watchProblems(page);
  const PARTICIPANTS = 'Kommundirektör Lars Ek\nInformationssäkerhetssamordnare Anna Berg';
  const COMMENT = 'Två incidenter med felskickad e-post under året.';
  const OUTSIDE_COMMENT = 'Ny lag om cybersäkerhet gäller från i år.';
  const IMPROVEMENT = 'Alla chefer går kursen i säker e-post före juni.';
  const GOVERNANCE = 'Styrdokumentet för e-post revideras och beslutas av kommunstyrelsen.';

  // --- The CISO starts a review for 2027. ---
  assert.ok(!(await reviewRows(page, url)).some((r) => r[1].startsWith(YEAR)), 'no review for 2027 yet');
  let start = page.locator('main form[action="/reviews"]');
  await start.getByLabel('Organisation').selectOption({ label: KOMMUN });
  await start.getByLabel('År').fill(YEAR);
  let res = await clickAndWait(page, start.getByRole('button', { name: 'Påbörja genomgången' }));
  assert.equal(res.status(), 200);
  assert.match(pathOf(page), REVIEW_RE);
  const review = pathOf(page);
  assert.equal(squash(await page.locator('h1').innerText()), `Ledningens genomgång ${YEAR} ${KOMMUN}`);
  assert.equal(await fact(page, 'Status'), 'Under beredning');
  assert.equal(await fact(page, 'Version'), '1');
  assert.equal(await page.locator('code.hash').count(), 0, 'no content hash before adoption');
  await checkA11y(page, 'new review');
  // A second one for the same year is refused, and nothing is added.
  await page.goto(`${url}/reviews`);
  start = page.locator('main form[action="/reviews"]');
  await start.getByLabel('Organisation').selectOption({ label: KOMMUN });
  await start.getByLabel('År').fill(YEAR);
  res = await clickAndWait(page, start.getByRole('button', { name: 'Påbörja genomgången' }));
  assert.equal(res.status(), 422);
  assert.match(await page.locator('#error-summary').innerText(), /Det finns redan en ledningens genomgång/);
  const href = await page.locator('#error-summary a').first().getAttribute('href');
  if (href) assert.equal(await page.locator(href).count(), 1, `the error summary links to ${href}`);
  assert.equal((await reviewRows(page, url)).filter((r) => r[0] === KOMMUN && r[1].startsWith(YEAR)).length, 1);
  watch.assertNone('starting the review');

  // --- The coordinator fills in Socialförvaltningen's report for 2027. ---
  const cp = await userPage(t, browser, url, COORDINATOR);
  const cwatch = watchProblems(cp);
  await cp.goto(`${url}/unit-reports?year=${YEAR}`);
  const socialRow = cp.locator('main table tbody tr', { has: cp.getByRole('link', { name: SOCIAL, exact: true }) });
  assert.match(await socialRow.innerText(), /Inte påbörjad/);
  await checkA11y(cp, 'unit reports as coordinator');
  await clickAndWait(cp, socialRow.getByRole('link', { name: SOCIAL, exact: true }));
  const unitReport = pathOf(cp);
  assert.match(unitReport, new RegExp(`^/unit-reports/${UUID}/${YEAR}$`));
  assert.equal(squash(await cp.locator('h1').innerText()), `Årsrapport ${YEAR} ${SOCIAL}`);
  assert.equal(await fact(cp, 'Status'), 'Inte påbörjad');
  const points = cp.locator('form#unit-report fieldset.question');
  const n = await points.count();
  assert.ok(n >= 5, `the checklist has points (${n})`);
  for (const p of await points.all()) {
    assert.deepEqual(await p.getByRole('radio').evaluateAll((rs) => rs.map((r) => r.labels[0].textContent.trim())), ['Genomförd', 'Delvis', 'Ej påbörjad', 'Ej aktuell']);
  }
  // Submitting with nothing answered is refused, readably.
  res = await clickAndWait(cp, cp.getByRole('button', { name: 'Skicka in', exact: true }));
  assert.equal(res.status(), 422);
  assert.match(await cp.locator('#error-summary').innerText(), /Välj ett läge för varje punkt innan du skickar in rapporten/);
  const target = await cp.locator('#error-summary a').first().getAttribute('href');
  assert.equal(await cp.locator(target).count(), 1, `the error summary links to ${target}, which is on the page`);
  await checkA11y(cp, 'unit report with an error');
  await screenshot(cp, 'review-unit-report-error');
  // A draft with three points answered.
  const STATUSES = ['Genomförd', 'Delvis', 'Ej påbörjad', 'Ej aktuell'];
  const radio = (i) => points.nth(i).getByRole('radio', { name: STATUSES[i % 4], exact: true });
  for (let i = 0; i < 3; i++) await radio(i).check();
  await points.nth(0).getByLabel('Kommentar').fill('Alla i ledningsgruppen har gått kursen.');
  res = await clickAndWait(cp, cp.getByRole('button', { name: 'Spara utkast' }));
  assert.equal(res.status(), 200);
  assert.equal(pathOf(cp), unitReport);
  assert.equal(await fact(cp, 'Status'), 'Påbörjad');
  for (let i = 0; i < 3; i++) assert.ok(await radio(i).isChecked(), `point ${i + 1} kept`);
  assert.equal(await cp.locator('form#unit-report input[type=radio]:checked').count(), 3);
  assert.equal(await points.nth(0).getByLabel('Kommentar').inputValue(), 'Alla i ledningsgruppen har gått kursen.');
  // All points answered, then submitted.
  for (let i = 3; i < n; i++) await radio(i).check();
  res = await clickAndWait(cp, cp.getByRole('button', { name: 'Skicka in', exact: true }));
  assert.equal(res.status(), 200);
  assert.equal(await fact(cp, 'Status'), 'Inskickad');
  assert.equal(await cp.getByRole('button', { name: 'Godkänn rapporten' }).count(), 0, 'the coordinator does not approve');
  await checkA11y(cp, 'unit report submitted');
  cwatch.assertNone('unit report');

  // --- The owner approves it. ---
  const op = await userPage(t, browser, url, OWNER);
  const owatch = watchProblems(op);
  await op.goto(url + unitReport);
  assert.equal(await fact(op, 'Status'), 'Inskickad');
  assert.equal(await op.getByRole('button', { name: 'Skicka in', exact: true }).count(), 0, 'the owner does not report');
  await checkA11y(op, 'unit report as owner');
  res = await clickAndWait(op, op.getByRole('button', { name: 'Godkänn rapporten' }));
  assert.equal(res.status(), 200);
  assert.equal(pathOf(op), unitReport);
  assert.equal(await fact(op, 'Status'), 'Godkänd');
  assert.equal(await op.locator('form#unit-report input[type=radio]:checked').count(), n);
  assert.equal(await op.locator('form#unit-report input[type=radio]:not([disabled])').count(), 0, 'an approved report is read-only');
  assert.equal(await op.getByRole('button', { name: 'Godkänn rapporten' }).count(), 0);
  await checkA11y(op, 'unit report approved');
  owatch.assertNone('approving');
  // The coordinator can no longer change it.
  await cp.reload();
  assert.equal(await cp.getByRole('button', { name: 'Spara utkast' }).count(), 0);
  res = await postForm(cp, url + unitReport, { csrf: await csrfOf(cp), action: 'save' });
  assert.ok([403, 409].includes(res.status()), `saving an approved report answered ${res.status()}`);

  // --- The CISO prepares the review. ---
  await page.goto(url + review);
  // Socialförvaltningen holds its own review: its approved report gives its
  // own checklist statuses in the kommun's roll-up, not a unit report of the kommun.
  const unitsSection = page.locator('#s-unit_reports');
  assert.match(await unitsSection.innerText(), /Enheter som har rapporterat: 0 \/ 3/);
  const rollup = page.locator('#s-rollup');
  assert.match(await rollup.locator('tbody tr', { hasText: SOCIAL }).first().innerText(), /Inte påbörjad/);
  const matrix = rollup.locator('table', { has: page.locator('caption', { hasText: 'Checklistan i varje organisation' }) });
  assert.match(await matrix.locator('thead').innerText(), new RegExp(SOCIAL));
  assert.match(await matrix.locator('tbody tr').first().innerText(), /Delvis|Genomförd|Ej påbörjad|Ej aktuell/);
  // The meeting.
  const meeting = page.locator('#meeting form');
  await meeting.getByLabel('Mötesdatum').fill(`${YEAR}-03-15`);
  await meeting.getByLabel('Deltagare').fill(PARTICIPANTS);
  res = await clickAndWait(page, meeting.getByRole('button', { name: 'Spara', exact: true }));
  assert.equal(res.status(), 200);
  assert.equal(pathOf(page), review);
  assert.equal(await page.locator('#f-meeting_date').inputValue(), `${YEAR}-03-15`);
  assert.equal(await page.locator('#f-participants').inputValue(), PARTICIPANTS);
  // A comment on the section of risks and observations.
  const risks = page.locator('#s-risks');
  assert.equal(await risks.getByRole('heading', { level: 2 }).innerText(), '13. Risker och iakttagelser');
  assert.equal(await risks.getByLabel('Din kommentar').getAttribute('name'), 'comment.risks');
  // Text typed in two sections, and only one section's button pressed: both are kept.
  const outside = page.locator('#s-outside_world');
  await risks.getByLabel('Din kommentar').fill(COMMENT);
  await outside.getByLabel('Din kommentar').fill(OUTSIDE_COMMENT);
  res = await clickAndWait(page, risks.getByRole('button', { name: 'Spara kommentaren' }));
  assert.equal(res.status(), 200);
  assert.equal(new URL(page.url()).hash, '#s-risks');
  assert.equal(await risks.getByLabel('Din kommentar').inputValue(), COMMENT);
  assert.equal(await outside.getByLabel('Din kommentar').inputValue(), OUTSIDE_COMMENT, 'the other section kept its text');
  // Typing alone saves: the page says so, and a reload shows the text.
  await outside.getByLabel('Din kommentar').fill(OUTSIDE_COMMENT + ' Ändrad.');
  await outside.locator('.autosave-status').filter({ hasText: /^Sparat kl\. \d\d\.\d\d\.$/ }).waitFor({ timeout: 10_000 });
  await page.reload();
  assert.equal(await outside.getByLabel('Din kommentar').inputValue(), OUTSIDE_COMMENT + ' Ändrad.');
  // Leaving with text that is not yet saved asks first.
  await outside.getByLabel('Din kommentar').fill(OUTSIDE_COMMENT);
  await page.locator('#f-participants').click();
  await page.locator('#f-participants').fill(PARTICIPANTS + ', Extra Person');
  const asked = new Promise((resolve) => page.once('dialog', (d) => { resolve(d.type()); d.dismiss(); }));
  page.goto(`${url}/plan`).catch(() => {});
  assert.equal(await asked, 'beforeunload', 'leaving with unsaved text asks first');
  assert.equal(pathOf(page), review, 'the user stayed on the page');
  // Saved as typed meanwhile: the meeting and the comment are both stored.
  await page.locator('#meeting .autosave-status').filter({ hasText: /Sparat kl\./ }).waitFor({ timeout: 10_000 });
  await outside.locator('.autosave-status').filter({ hasText: /Sparat kl\./ }).waitFor({ timeout: 10_000 });
  await page.goto(url + review);
  assert.equal(await page.locator('#f-participants').inputValue(), PARTICIPANTS + ', Extra Person');
  assert.equal(await outside.getByLabel('Din kommentar').inputValue(), OUTSIDE_COMMENT);
  await page.locator('#f-participants').fill(PARTICIPANTS);
  res = await clickAndWait(page, page.locator('#meeting').getByRole('button', { name: 'Spara', exact: true }));
  assert.equal(res.status(), 200);
  // A comment too long is refused on its own field, and nothing of that form is stored.
  res = await postForm(page, `${url}${review}/comments`, { csrf: await csrfOf(page), 'comment.outside_world': 'x'.repeat(10_001), 'comment.risks': 'Ändrad.' });
  assert.equal(res.status(), 422, 'a too long comment is refused');
  assert.match(await res.text(), /aria-invalid="true"/);
  await page.reload();
  assert.equal(await outside.getByLabel('Din kommentar').inputValue(), OUTSIDE_COMMENT, 'nothing of the refused form was stored');
  assert.equal(await risks.getByLabel('Din kommentar').inputValue(), COMMENT);
  // Decisions: first one without a responsible, which is refused.
  const decisions = page.locator('#decisions');
  assert.match(await decisions.innerText(), /Inga beslut ännu\./);
  let form = decisions.locator('form[action$="/decisions"]');
  await form.getByLabel('Typ').selectOption({ label: 'Ändring i styrning eller styrdokument' });
  await form.getByLabel('Beslut', { exact: true }).fill(GOVERNANCE);
  await form.getByLabel('Klart senast').fill(`${YEAR}-12-31`);
  res = await clickAndWait(page, form.getByRole('button', { name: 'Lägg till beslut' }));
  assert.equal(res.status(), 422, 'a decision without a responsible is refused');
  assert.match(await page.locator('#error-summary').innerText(), /Fyll i fältet/);
  assert.equal(await page.locator('#f-responsible').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#f-text').inputValue(), GOVERNANCE, 'what was typed is kept');
  assert.equal(await page.locator('#f-kind').evaluate((s) => s.selectedOptions[0].text), 'Ändring i styrning eller styrdokument');
  assert.equal(await decisions.locator('table tbody tr').count(), 0, 'nothing added');
  await checkA11y(page, 'review with a decision error');
  await screenshot(page, 'review-decision-error');
  await page.goto(url + review);
  assert.match(await page.locator('#decisions').innerText(), /Inga beslut ännu\./, 'still nothing added');
  // An improvement decision and the governance decision with its responsible.
  for (const [kind, text, who, deadline] of [
    ['Förbättring', IMPROVEMENT, 'HR-chefen', `${YEAR}-06-30`],
    ['Ändring i styrning eller styrdokument', GOVERNANCE, 'Kommundirektören', `${YEAR}-12-31`],
  ]) {
    form = page.locator('#decisions form[action$="/decisions"]');
    await form.getByLabel('Typ').selectOption({ label: kind });
    await form.getByLabel('Beslut', { exact: true }).fill(text);
    await form.getByLabel('Ansvarig').fill(who);
    await form.getByLabel('Klart senast').fill(deadline);
    res = await clickAndWait(page, form.getByRole('button', { name: 'Lägg till beslut' }));
    assert.equal(res.status(), 200);
    assert.equal(new URL(page.url()).hash, '#decisions');
  }
  const decisionRows = () => page.locator('#decisions table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].slice(0, 4).map((c) => c.innerText.trim())));
  assert.deepEqual(await decisionRows(), [
    ['Förbättring', IMPROVEMENT, 'HR-chefen', `${YEAR}-06-30`],
    ['Ändring i styrning eller styrdokument', GOVERNANCE, 'Kommundirektören', `${YEAR}-12-31`],
  ]);
  // Adopting is for management.
  assert.equal(await page.getByRole('button', { name: 'Fastställ', exact: true }).count(), 0, 'the CISO does not adopt');
  assert.match(await page.locator('main').innerText(), /När underlaget är klart fastställer ledningen genomgången\./);
  await checkA11y(page, 'review prepared');
  await screenshot(page, 'review-prepared');
  watch.assertNone('preparing the review');
  // The CISO's tab stays open on the review while management adopts it.

  // --- Management adopts it. ---
  const mp = await userPage(t, browser, url, MANAGEMENT);
  const mwatch = watchProblems(mp);
  await mp.goto(url + review);
  assert.equal(await mp.locator('form.comment-form').count(), 0, 'management does not comment');
  assert.equal(await mp.locator('form[action$="/decisions"]').count(), 0, 'nor adds decisions');
  assert.equal(await mp.locator('#s-risks .note').count(), 1, 'but reads the comment');
  await checkA11y(mp, 'review as management');
  // Before adopting, the page says what adoption passes over and asks for confirmation.
  const adoptSection = mp.locator('section[aria-labelledby="adopt"]');
  assert.equal(await adoptSection.locator('#adopt-missing').count(), 0, 'the meeting is filled in');
  assert.match(await adoptSection.locator('#adopt-warnings').innerText(), /Självskattningen som genomgången bygger på är inte förankrad/);
  res = await postForm(mp, `${url}${review}/adopt`, { csrf: await csrfOf(mp) });
  assert.equal(res.status(), 422, 'adopting without confirming is refused');
  assert.match(await res.text(), /Kryssa i rutan för att bekräfta/);
  await adoptSection.getByLabel(/Jag har gått igenom underlaget/).check();
  res = await clickAndWait(mp, mp.getByRole('button', { name: 'Fastställ', exact: true }));
  assert.equal(res.status(), 200);
  assert.equal(pathOf(mp), review);
  assert.equal(await fact(mp, 'Status'), 'Fastställd');
  const hash = (await mp.locator('code.hash').innerText()).trim();
  assert.match(hash, HASH_RE, 'a 64-hex content hash');
  assert.match(await mp.getByRole('status').innerText(), /Genomgången är fastställd och låst/);
  assert.match(await fact(mp, 'Fastställd'), /^\d{4}-\d{2}-\d{2}, .+/);
  assert.equal(await mp.getByRole('button', { name: 'Fastställ', exact: true }).count(), 0);
  assert.equal(squash(await mp.locator('#s-risks .note').innerText()), `Kommentar från informationssäkerhetssamordnaren ${COMMENT}`);
  await checkA11y(mp, 'adopted review');
  await screenshot(mp, 'review-adopted');
  // Adopting twice is refused.
  res = await postForm(mp, `${url}${review}/adopt`, { csrf: await csrfOf(mp) });
  assert.equal(res.status(), 409);
  mwatch.assertNone('adopting');

  // --- Changes to the adopted review are refused. ---
  // The CISO saves a comment from the page read before the adoption.
  await page.locator('#s-risks').getByLabel('Din kommentar').fill('Ändrad i efterhand.');
  res = await clickAndWait(page, page.locator('#s-risks').getByRole('button', { name: 'Spara kommentaren' }));
  assert.equal(res.status(), 409, 'a comment on an adopted review');
  assert.match(squash(await page.locator('main').innerText()), new RegExp(ADOPTED_MSG.replace(/\./g, '\\.')));
  await assertPageBasics(page, 'sv');
  await checkA11y(page, 'refused change');
  await screenshot(page, 'review-refused');
  // Nor by hand-made posts.
  await page.goto(url + review);
  const csrf = await csrfOf(page);
  for (const [path, body] of [
    ['comments', { section: 'proposals', comment: 'Ändrad i efterhand.' }],
    ['decisions', { kind: 'improvement', text: 'Ett beslut i efterhand.', responsible: 'IT-chefen', deadline: `${YEAR}-10-01` }],
    ['meeting', { meeting_date: `${YEAR}-04-01`, participants: 'Någon annan' }],
  ]) {
    res = await postForm(page, `${url}${review}/${path}`, { csrf, ...body });
    assert.equal(res.status(), 409, `POST ${path} to an adopted review`);
    assert.ok(squash(await res.text()).includes(ADOPTED_MSG), `the Swedish message for POST ${path}`);
  }
  await page.reload();
  assert.equal((await page.locator('code.hash').innerText()).trim(), hash, 'the hash is unchanged');
  assert.equal(await fact(page, 'Mötesdatum'), `${YEAR}-03-15`);
  assert.equal(squash(await page.locator('#s-risks .note p.pre').innerText()), COMMENT, 'the comment is unchanged');
  assert.equal(await page.locator('#s-proposals .note').count(), 0);
  assert.equal(await page.locator('#decisions table tbody tr').count(), 2);
  assert.equal(await page.locator('form.comment-form').count(), 0);
  watch.take();

  // --- The improvement decision is an action in the plan; the governance decision is not. ---
  await page.goto(`${url}/plan`);
  const filters = page.locator('form.filters');
  await filters.getByLabel('Ursprung').selectOption({ label: 'Beslut i ledningens genomgång' });
  res = await clickAndWait(page, filters.getByRole('button', { name: 'Visa' }));
  assert.equal(new URL(page.url()).searchParams.get('origin'), 'review');
  const rows = await planRows(page);
  const fromReview = rows.filter((r) => r.title === IMPROVEMENT);
  assert.equal(fromReview.length, 1, `one action from the improvement decision in ${JSON.stringify(rows.map((r) => r.title))}`);
  assert.equal(fromReview[0].org, KOMMUN);
  assert.ok(fromReview[0].cells.includes('Beslut i ledningens genomgång'), JSON.stringify(fromReview[0].cells));
  assert.ok(fromReview[0].cells.includes('HR-chefen'));
  assert.ok(fromReview[0].cells.some((c) => c.endsWith(`${YEAR}-06-30`)));
  assert.ok(fromReview[0].cells.includes('Planerad'));
  assert.ok(!rows.some((r) => r.title === GOVERNANCE), 'a governance decision is no action');
  assert.ok(rows.every((r) => r.cells.includes('Beslut i ledningens genomgång')), 'the filter shows only actions from reviews');
  await clickAndWait(page, page.getByRole('link', { name: IMPROVEMENT, exact: true }));
  assert.match(pathOf(page), ACTION_RE);
  assert.equal(await page.locator('#f-origin').inputValue(), 'review');
  assert.equal(await page.locator('#f-end_date').inputValue(), `${YEAR}-06-30`);
  assert.equal(await page.locator('#f-activity').inputValue(), IMPROVEMENT);
  const actionPath = pathOf(page);

  // --- The documents contain what the page shows. ---
  await page.goto(url + review);
  const [pdfDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Ladda ner som PDF' }).click()]);
  assert.match(pdfDownload.suggestedFilename(), new RegExp(`^ledningens-genomgang-exempla-kommun-${YEAR}\\.pdf$`));
  const pdf = pdfText(await streamBytes(pdfDownload));
  const docxRes = await page.request.get(`${url}${review}/report.docx`);
  assert.equal(docxRes.status(), 200);
  assert.equal(docxRes.headers()['content-type'], 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  const docx = docxText(await docxRes.body());
  for (const [name, doc] of [['PDF', pdf], ['DOCX', docx]]) {
    // pdftotext drops (or keeps) the hyphen of a word broken at a line end: compare without hyphens.
    const has = (s) => loose(doc.text).includes(loose(s));
    for (const wanted of [KOMMUN, `Ledningens genomgång ${YEAR}`, IMPROVEMENT, GOVERNANCE, COMMENT, hash.slice(0, 16), 'Fastställd', 'Kommundirektör Lars Ek', SOCIAL]) {
      assert.ok(has(wanted), `the ${name} contains "${wanted}":\n${doc.text.slice(0, 3000)}`);
    }
    assert.ok(!has('Ändrad i efterhand'), `the ${name} has no refused change`);
  }
  assert.ok(docx.text.includes(hash), 'the DOCX has the whole hash');
  assert.match(pdf.text, new RegExp(`Kontrollsumma ${hash.slice(0, 16)}`), 'the PDF footer carries the hash');
  watch.assertNone('documents');

  // --- The CISO corrects it in a new version. ---
  res = await clickAndWait(page, page.getByRole('button', { name: 'Rätta i en ny version' }));
  assert.equal(res.status(), 200);
  assert.match(pathOf(page), REVIEW_RE);
  const v2 = pathOf(page);
  assert.notEqual(v2, review);
  assert.equal(await fact(page, 'Status'), 'Under beredning');
  assert.equal(await fact(page, 'Version'), '2');
  assert.equal(await page.locator('code.hash').count(), 0, 'a draft has no hash');
  assert.equal(await page.locator('#s-risks').getByLabel('Din kommentar').inputValue(), COMMENT, 'the comment came along');
  assert.deepEqual((await decisionRows()).map((r) => r[1]), [IMPROVEMENT, GOVERNANCE], 'the decisions came along');
  assert.equal(await page.locator('#f-participants').inputValue(), PARTICIPANTS);
  assert.equal(await page.getByRole('link', { name: 'version 1 (Fastställd)' }).getAttribute('href'), review);
  await checkA11y(page, 'version 2');
  await screenshot(page, 'review-version-2');
  const listed = (await reviewRows(page, url)).filter((r) => r[0] === KOMMUN && r[1].startsWith(YEAR));
  assert.deepEqual(listed.map((r) => [r[1], r[2]]), [[`${YEAR} (version 2)`, 'Under beredning'], [YEAR, 'Fastställd']]);
  // Version 1 stays as it was, and is no longer the one to correct.
  await page.goto(url + review);
  assert.equal((await page.locator('code.hash').innerText()).trim(), hash);
  assert.equal(await page.getByRole('button', { name: 'Rätta i en ny version' }).count(), 0);
  res = await postForm(page, `${url}${review}/revise`, { csrf: await csrfOf(page) });
  assert.equal(res.status(), 409, 'only the latest version is corrected');
  // Version 2 takes changes, and its adoption adds no second action for the same decision.
  await page.goto(url + v2);
  await page.locator('#s-proposals').getByLabel('Din kommentar').fill('Rättelse: kursen gäller även arbetsledare.');
  res = await clickAndWait(page, page.locator('#s-proposals').getByRole('button', { name: 'Spara kommentaren' }));
  assert.equal(res.status(), 200);
  await mp.goto(url + v2);
  await mp.getByLabel(/Jag har gått igenom underlaget/).check();
  res = await clickAndWait(mp, mp.getByRole('button', { name: 'Fastställ', exact: true }));
  assert.equal(res.status(), 200);
  assert.equal(await fact(mp, 'Status'), 'Fastställd');
  assert.notEqual((await mp.locator('code.hash').innerText()).trim(), hash, 'another content, another hash');
  await page.goto(`${url}/plan?origin=review`);
  assert.equal((await planRows(page)).filter((r) => r.title === IMPROVEMENT).length, 1, 'still one action for the decision');
  assert.equal(pathOf(page), '/plan');
  res = await page.goto(url + actionPath);
  assert.equal(res.status(), 200);
  watch.assertNone('the new version');
});

/** The bytes of a finished download. */
async function streamBytes(download) {
  const { readFile } = await import('node:fs/promises');
  return readFile(await download.path());
}

test('action plan: create, edit, bad input, overdue filter, downloads, and an action from feedback', { timeout: LONG_TIMEOUT_MS }, async (t) => {
  const { url, browser } = await startLisa(t, 'review-plan');
  const page = await userPage(t, browser, url, CISO);
  const watch = watchProblems(page);
  const TITLE = 'Inför loggranskning i verksamhetssystemet';
  const TITLE2 = 'Inför månatlig loggranskning i verksamhetssystemet';
  const LATE = 'Klassa informationen i ärendesystemet';
  const WHO = 'Enhetschef IFO';
  /** Next year: the action's end date is never past while the test runs. */
  const NEXT = new Date().getUTCFullYear() + 1;

  await page.goto(`${url}/plan`);
  const before = await total(page, 'Antal åtgärder');
  assert.equal((await planRows(page)).length, before, 'the total counts the rows');
  await clickAndWait(page, page.getByRole('link', { name: 'Ny åtgärd' }));
  assert.equal(pathOf(page), '/plan/new');
  await checkA11y(page, 'new action');

  // --- Bad input: end before start, and a negative cost. Nothing is created. ---
  let form = await fillAction(page, { org: SOCIAL, title: TITLE, goal: 'Obehörig åtkomst upptäcks.', activity: 'Granska loggarna varje månad.', responsible: WHO, cost: '-500', start: `${YEAR}-05-01`, end: `${YEAR}-04-01` });
  let res = await submitForm(page, form);
  assert.equal(res.status(), 422);
  const summary = await page.locator('#error-summary').innerText();
  assert.match(summary, /Slutdatumet måste vara samma dag som startdatumet eller senare\./);
  assert.match(summary, /Kostnaden kan inte vara negativ\./);
  assert.equal(await page.locator('#f-end_date').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#f-cost').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#f-start_date').getAttribute('aria-invalid'), null);
  assert.equal(await page.locator('#f-title').inputValue(), TITLE, 'what was typed is kept');
  assert.equal(await page.locator('#f-org_id').evaluate((s) => s.selectedOptions[0].text.replace(/^[– ]+/, '')), SOCIAL);
  for (const link of await page.locator('#error-summary a').all()) {
    const target = await link.getAttribute('href');
    assert.equal(await page.locator(target).count(), 1, `the error summary links to ${target}`);
  }
  await checkA11y(page, 'new action with errors');
  await screenshot(page, 'review-action-errors');
  await page.goto(`${url}/plan`);
  assert.equal(await total(page, 'Antal åtgärder'), before, 'nothing created');
  assert.ok(!(await planRows(page)).some((r) => r.title === TITLE));

  // --- Created. ---
  await page.goto(`${url}/plan/new`);
  form = await fillAction(page, { org: SOCIAL, title: TITLE, goal: 'Obehörig åtkomst upptäcks.', responsible: WHO, cost: '12 500', start: `${NEXT}-05-01`, end: `${NEXT}-10-31` });
  res = await submitForm(page, form);
  assert.equal(res.status(), 200);
  assert.match(pathOf(page), ACTION_RE);
  const action = pathOf(page);
  assert.equal(await page.locator('h1').innerText(), TITLE);
  assert.equal(await fact(page, 'Organisation'), SOCIAL);
  assert.equal(await fact(page, 'Skapad av'), 'Anna Berg', 'the name, not the e-mail address');
  assert.equal(await page.locator('#f-cost').inputValue(), '12500');
  assert.equal(await page.locator('#f-status').evaluate((s) => s.selectedOptions[0].text), 'Planerad');
  await checkA11y(page, 'action');

  // --- Edited. ---
  const edit = page.locator(`main form[action="${action}"]`);
  await edit.getByLabel('Rubrik').fill(TITLE2);
  await edit.getByLabel('Status').selectOption({ label: 'Pågår' });
  await edit.getByLabel('Läget just nu').fill('Rutinen är skriven, granskningen börjar i maj.');
  res = await submitForm(page, edit);
  assert.equal(res.status(), 200);
  assert.equal(pathOf(page), action);
  assert.equal(await page.locator('h1').innerText(), TITLE2);
  assert.equal(await page.locator('#f-status').evaluate((s) => s.selectedOptions[0].text), 'Pågår');
  assert.equal(await page.locator('#f-progress_note').inputValue(), 'Rutinen är skriven, granskningen börjar i maj.');
  // A bad edit changes nothing.
  await edit.getByLabel('Startdatum').fill(`${NEXT}-12-01`);
  await edit.getByLabel('Rubrik').fill('Ska inte sparas');
  res = await submitForm(page, edit);
  assert.equal(res.status(), 422);
  assert.equal(await page.locator('#f-end_date').getAttribute('aria-invalid'), 'true');
  await checkA11y(page, 'action edit with an error');
  await page.goto(url + action);
  assert.equal(await page.locator('h1').innerText(), TITLE2);
  assert.equal(await page.locator('#f-start_date').inputValue(), `${NEXT}-05-01`);

  // --- An overdue action, and the filter. ---
  await page.goto(`${url}/plan/new`);
  form = await fillAction(page, { org: SOCIAL, title: LATE, responsible: WHO, cost: '4000', start: '2020-01-01', end: '2020-06-30' });
  res = await submitForm(page, form);
  assert.equal(res.status(), 200);
  await page.goto(`${url}/plan`);
  assert.equal(await total(page, 'Antal åtgärder'), before + 2);
  let filters = page.locator('form.filters');
  await filters.getByLabel('Bara försenade').check();
  res = await clickAndWait(page, filters.getByRole('button', { name: 'Visa' }));
  assert.equal(res.status(), 200);
  assert.equal(new URL(page.url()).searchParams.get('overdue'), '1');
  assert.ok(await page.locator('form.filters').getByLabel('Bara försenade').isChecked(), 'the filter stays set');
  let rows = await planRows(page);
  assert.ok(rows.length > 0);
  assert.ok(rows.every((r) => r.overdue), 'only overdue rows');
  assert.ok(rows.some((r) => r.title === LATE), 'the late action is shown');
  assert.ok(!rows.some((r) => r.title === TITLE2), 'an action ending next year is not overdue');
  assert.equal(await total(page, 'Antal åtgärder'), rows.length);
  assert.equal(await total(page, 'Försenade'), rows.length);
  const lateRow = page.locator('main table tbody tr', { has: page.getByRole('link', { name: LATE, exact: true }) });
  assert.match(await lateRow.innerText(), /Försenad/);
  await checkA11y(page, 'plan filtered on overdue');
  await screenshot(page, 'review-plan-overdue');
  // Filtered on organisation and status.
  filters = page.locator('form.filters');
  await filters.getByLabel('Bara försenade').uncheck();
  const orgFilter = filters.getByLabel('Organisation');
  await orgFilter.selectOption(await optionValueByLabel(orgFilter, SOCIAL));
  await filters.getByLabel('Status').selectOption({ label: 'Pågår' });
  await clickAndWait(page, filters.getByRole('button', { name: 'Visa' }));
  assert.equal(new URL(page.url()).searchParams.get('status'), 'ongoing');
  rows = await planRows(page);
  assert.ok(rows.some((r) => r.title === TITLE2), 'the edited action is ongoing');
  assert.ok(rows.every((r) => r.cells.some((c) => c.startsWith('Pågår'))), 'only ongoing actions');
  assert.ok(rows.every((r) => [SOCIAL, 'Individ- och familjeomsorgen', 'Äldreomsorgen'].includes(r.org)), `only the administration and its units: ${JSON.stringify(rows.map((r) => r.org))}`);
  assert.ok(!rows.some((r) => r.title === LATE), 'a planned action is not shown');
  // Filtered on the responsible instead.
  await page.goto(`${url}/plan`);
  filters = page.locator('form.filters');
  await filters.getByLabel('Bara försenade').uncheck();
  await filters.getByLabel('Ansvarig').fill(WHO);
  await clickAndWait(page, filters.getByRole('button', { name: 'Visa' }));
  rows = await planRows(page);
  assert.deepEqual(rows.map((r) => r.title).sort(), [LATE, TITLE2].sort());
  assert.match(await page.locator('main').innerText(), /16[\s\u00a0\u202f]500[\s\u00a0\u202f]kr/, 'the total cost of the two');

  // --- The downloads follow the filter. ---
  const csvHref = await page.getByRole('link', { name: 'Ladda ner som CSV' }).getAttribute('href');
  assert.match(csvHref, /^\/plan\.csv\?responsible=Enhetschef%20IFO$/);
  res = await page.request.get(url + csvHref);
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-type'], /^text\/csv/);
  const csv = await res.body();
  assert.ok(csv.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'a UTF-8 byte-order mark for Excel');
  const lines = csv.toString('utf8').slice(1).split('\r\n').filter(Boolean);
  assert.equal(lines.length, 3, `a header and two rows:\n${lines.join('\n')}`);
  const header = lines[0].split(';');
  assert.ok(header.length >= 10 && header[0] === 'Åtgärd' && header[1] === 'Organisation', `semicolon-separated header: ${lines[0]}`);
  const lateLine = lines.find((l) => l.startsWith(`${LATE};`));
  assert.ok(lateLine, `the late action in the CSV:\n${lines.join('\n')}`);
  assert.equal(lateLine.split(';').length, header.length);
  assert.ok(lateLine.split(';').includes('4000') && lateLine.split(';').includes(SOCIAL) && lateLine.split(';').includes('Ja'), lateLine);
  const xlsx = await page.request.get(url + (await page.getByRole('link', { name: 'Ladda ner som Excel' }).getAttribute('href')));
  assert.equal(xlsx.status(), 200);
  assert.ok((await xlsx.body()).subarray(0, 2).equals(Buffer.from('PK')), 'an xlsx (zip) file');
  const pdfRes = await page.request.get(url + (await page.getByRole('link', { name: 'Ladda ner som PDF' }).getAttribute('href')));
  assert.equal(pdfRes.status(), 200);
  const pdf = pdfText(await pdfRes.body());
  assert.ok(loose(pdf.text).includes(loose(LATE)), `the PDF lists the late action:\n${pdf.text.slice(0, 2000)}`);
  assert.ok(!pdf.text.includes('Byte av brandvägg'), 'the PDF follows the filter');

  // --- "Gör till åtgärd" on a self-assessment result opens a prefilled form. ---
  const resultPath = `${await assessmentPath(page, url, KOMMUN, 2026)}/result`;
  await page.goto(url + resultPath);
  const item = page.locator('ol.feedback > li').first();
  const question = (await item.locator('h3').innerText()).trim();
  const todo = (await item.locator('p', { hasText: 'Rekommenderad åtgärd:' }).innerText()).replace(/^Rekommenderad åtgärd:\s*/, '').trim();
  await clickAndWait(page, item.getByRole('button', { name: /^Gör till åtgärd/ }));
  assert.equal(pathOf(page), '/plan/new');
  const q = new URL(page.url()).searchParams;
  assert.equal(q.get('origin'), 'feedback');
  assert.match(q.get('origin_ref'), new RegExp(`^${resultPath.split('/')[2]}/[a-z0-9-]+$`), 'the reference is the assessment and the question');
  const title = await page.locator('#f-title').inputValue();
  assert.ok(title.length <= 120 && todo.startsWith(title.replace(/…$/, '')), `a short title from what to do: "${title}"`);
  assert.notEqual(title, question, 'not the question');
  // The reference reads in words and links back to the question's area.
  const source = page.locator('#origin-source');
  assert.match(await source.innerText(), new RegExp(`^Från självskattningen 2026 för ${KOMMUN}: [^,]+, fråga \\d+ – ${question.replace(/[?.()]/g, '\\$&')}$`));
  assert.match(await source.getByRole('link').getAttribute('href'), new RegExp(`^/assessments/${UUID}/areas/[a-z-]+$`));
  assert.equal(await page.locator('#f-origin_ref').count(), 0, 'no raw reference box');
  assert.ok((await page.locator('#f-activity').inputValue()).length > 10, 'the recommended action is the activity');
  assert.equal(await page.locator('#f-origin').inputValue(), 'feedback');
  assert.equal(await page.locator('#f-org_id').evaluate((s) => s.selectedOptions[0].text), KOMMUN);
  await checkA11y(page, 'prefilled new action');
  await page.locator('#f-responsible').fill('IT-chefen');
  res = await submitForm(page, page.locator('main form[action="/plan"]'));
  assert.equal(res.status(), 200);
  assert.match(pathOf(page), ACTION_RE);
  assert.equal(await page.locator('#f-origin').evaluate((s) => s.selectedOptions[0].text), 'Återkoppling från självskattning');
  assert.equal(await page.locator('h1').innerText(), title);
  assert.match(await page.locator('#origin-source').innerText(), /^Från självskattningen 2026/);
  watch.assertNone('action plan');
});

test('calendar feed: create, read without cookies, renew, revoke; year wheel activities', { timeout: LONG_TIMEOUT_MS }, async (t) => {
  const { url, browser } = await startLisa(t, 'review-calendar');
  const page = await userPage(t, browser, url, CISO);
  const watch = watchProblems(page);
  const ACTIVITY = 'Genomgång av behörigheter i lönesystemet';

  // --- A new activity in the year wheel, then edited. ---
  await page.goto(`${url}/yearwheel`);
  const add = page.locator('main form[method=post][action="/yearwheel"]');
  const org = add.getByLabel('Organisation');
  await org.selectOption(await optionValueByLabel(org, KOMMUN));
  await add.getByLabel('Rubrik').fill(ACTIVITY);
  await add.getByLabel('Månad').selectOption({ label: 'Juni' });
  await add.getByLabel('Dag', { exact: true }).fill('12');
  await add.getByLabel('Återkommer').selectOption({ label: 'Varje år' });
  await add.getByLabel('Gäller').selectOption({ label: 'Annat' });
  await add.getByLabel('Ansvarig').fill('Lönechefen');
  let res = await clickAndWait(page, add.getByRole('button', { name: 'Lägg till aktivitet' }));
  assert.equal(res.status(), 200);
  assert.equal(pathOf(page), '/yearwheel');
  const june = page.locator('li.month', { has: page.getByRole('heading', { name: /^Juni/ }) });
  assert.match(await june.innerText(), new RegExp(`${ACTIVITY}\\s+12/6 · Annat · Lönechefen`));
  await clickAndWait(page, june.getByRole('link', { name: ACTIVITY }));
  assert.equal(squash(await page.locator('h1').innerText()), `${ACTIVITY} ${KOMMUN}`);
  await checkA11y(page, 'activity');
  const edit = page.locator('main form').filter({ has: page.getByLabel('Rubrik') });
  await edit.getByLabel('Dag', { exact: true }).fill('14');
  res = await clickAndWait(page, edit.getByRole('button', { name: 'Spara', exact: true }));
  assert.equal(res.status(), 200);
  assert.equal(pathOf(page), '/yearwheel');
  assert.match(await page.locator('li.month', { has: page.getByRole('heading', { name: /^Juni/ }) }).innerText(), new RegExp(`${ACTIVITY}\\s+14/6`));

  // --- The calendar address. ---
  await page.goto(`${url}/account`);
  const section = page.locator('#calendar-section');
  assert.equal(await section.getByRole('heading', { level: 2 }).innerText(), 'Årshjulet i din kalender');
  assert.match(await section.innerText(), /Du har ingen kalenderadress\./);
  assert.equal(await section.getByRole('button', { name: 'Stäng kalenderadressen' }).count(), 0);
  res = await clickAndWait(page, section.getByRole('button', { name: 'Skapa kalenderadress' }));
  assert.equal(res.status(), 200);
  assert.match(await page.getByRole('status').innerText(), /En ny kalenderadress är skapad/);
  const address = page.getByLabel('Din kalenderadress');
  assert.notEqual(await address.getAttribute('readonly'), null, 'the address is read-only');
  const feed = await address.inputValue();
  assert.match(feed, new RegExp(`^${url.replace(/[.]/g, '\\.')}/calendar/[A-Za-z0-9_-]{20,}\\.ics$`));
  await checkA11y(page, 'account with a calendar address');
  await screenshot(page, 'review-calendar-address');

  // Read as a calendar program does: without a session.
  let got = await fetch(feed);
  assert.equal(got.status, 200);
  assert.match(got.headers.get('content-type'), /^text\/calendar/);
  assert.equal(got.headers.get('set-cookie'), null, 'no session for the feed');
  const ics = unfold(await got.text());
  assert.match(ics, /^BEGIN:VCALENDAR\r?\n/);
  assert.match(ics, /END:VCALENDAR\s*$/);
  const events = ics.split('BEGIN:VEVENT').slice(1);
  assert.ok(events.length >= 5, `events in the feed: ${events.length}`);
  const summaries = events.map((e) => /\nSUMMARY:(.*)\r?\n/.exec(e)?.[1]);
  assert.ok(summaries.includes('Ledningens genomgång'), `"Ledningens genomgång" among ${JSON.stringify(summaries)}`);
  const mine = events.find((e) => e.includes(`SUMMARY:${ACTIVITY}`));
  assert.ok(mine, 'the new activity is in the feed');
  assert.match(mine, /DTSTART;VALUE=DATE:\d{4}0614/);
  assert.match(mine, /RRULE:FREQ=YEARLY/);
  // The address is shown once only.
  await page.goto(`${url}/account`);
  assert.equal(await page.getByLabel('Din kalenderadress').count(), 0);
  assert.match(await page.locator('#calendar-section').innerText(), /Du har en kalenderadress sedan/);

  // --- Renewed: the old address stops working. ---
  res = await clickAndWait(page, page.getByRole('button', { name: 'Byt kalenderadress' }));
  assert.equal(res.status(), 200);
  const renewed = await page.getByLabel('Din kalenderadress').inputValue();
  assert.notEqual(renewed, feed);
  assert.equal((await fetch(feed)).status, 404, 'the old address after renewal');
  assert.equal((await fetch(renewed)).status, 200, 'the new address');

  // --- Revoked. ---
  res = await clickAndWait(page, page.getByRole('button', { name: 'Stäng kalenderadressen' }));
  assert.equal(res.status(), 200);
  assert.equal(pathOf(page), '/account');
  assert.match(await page.getByRole('status').innerText(), /Kalenderadressen är stängd\./);
  assert.match(await page.locator('#calendar-section').innerText(), /Du har ingen kalenderadress\./);
  got = await fetch(renewed);
  assert.equal(got.status, 404, 'a revoked address');
  assert.doesNotMatch(await got.text(), /VCALENDAR/);
  assert.equal((await fetch(`${url}/calendar/inte-en-riktig-adress.ics`)).status, 404);
  await checkA11y(page, 'account after revoking');
  watch.assertNone('calendar');
});

test('who sees what: another organisation gets 404; the auditor reads without forms', { timeout: LONG_TIMEOUT_MS }, async (t) => {
  const { url, browser } = await startLisa(t, 'review-authz');

  // Addresses as the kommun's CISO sees them.
  const cp = await userPage(t, browser, url, CISO);
  const draft = await reviewPath(cp, url, KOMMUN, 2026);
  const adopted = await reviewPath(cp, url, KOMMUN, 2025);
  await cp.goto(url + draft);
  const checklist = await cp.getByRole('link', { name: 'Checklista för ledningens genomgång' }).getAttribute('href');
  const unitReport = await unitReportPath(cp, url, 'Samhällsbyggnadsförvaltningen', 2026);
  await cp.goto(`${url}/plan`);
  const action = await cp.locator('main table tbody a').first().getAttribute('href');
  await cp.goto(`${url}/yearwheel`);
  const activity = await cp.locator('ol.months a').first().getAttribute('href');
  const kommunId = checklist.split('/')[2];

  // --- The CISO of Region Exempla. ---
  const rp = await userPage(t, browser, url, REGION_CISO);
  const region = pageChecker(rp, url, 'sv');
  for (const p of [draft, adopted, action, unitReport, checklist, activity, `${draft}/report.pdf`, `${adopted}/report.docx`, `/plan?org=${kommunId}`, `/yearwheel?org=${kommunId}`]) {
    const res = await rp.goto(url + p).catch(async () => null);
    const status = res ? res.status() : (await rp.request.get(url + p)).status();
    assert.equal(status, 404, `GET ${p} as the region CISO`);
    if (res && (res.headers()['content-type'] ?? '').startsWith('text/html')) {
      assert.equal(await rp.locator('h1').innerText(), NOT_FOUND_H1);
      assert.doesNotMatch(await rp.locator('main').innerText(), /Exempla kommun|Samhällsbyggnad/);
    }
  }
  await rp.goto(url + draft);
  await region.check('404 for the region CISO');
  // Their own lists show nothing of the kommun.
  for (const p of ['/reviews', '/plan', '/unit-reports?year=2026', '/yearwheel']) {
    await rp.goto(url + p);
    assert.doesNotMatch(await rp.locator('main').innerText(), /Exempla kommun|Socialförvaltningen|Samhällsbyggnadsförvaltningen/, `nothing of the kommun on ${p}`);
    await region.check(`${p} as the region CISO`);
  }
  // Nor may they write to it.
  await rp.goto(`${url}/reviews`);
  const csrf = await csrfOf(rp);
  for (const [p, body] of [
    [`${draft}/comments`, { 'comment.risks': 'Från regionen.' }],
    [`${draft}/decisions`, { kind: 'improvement', text: 'Från regionen.', responsible: 'X', deadline: '2027-01-01' }],
    [`${draft}/adopt`, {}],
    [action, { title: 'Från regionen.' }],
    [unitReport, { action: 'save' }],
    [`${checklist}`, { text: 'Från regionen.' }],
  ]) {
    const res = await postForm(rp, url + p, { csrf, ...body });
    assert.equal(res.status(), 404, `POST ${p} as the region CISO`);
  }
  await cp.goto(url + draft);
  assert.doesNotMatch(await cp.locator('main').innerText(), /Från regionen/, 'nothing was written');

  // --- The auditor reads the review, without any form to change it. ---
  const ap = await userPage(t, browser, url, AUDITOR);
  const auditor = pageChecker(ap, url, 'sv');
  await auditor.visit(draft, { label: 'draft review as auditor', shot: 'review-as-auditor' });
  assert.equal(squash(await ap.locator('h1').innerText()), `Ledningens genomgång 2026 ${KOMMUN}`);
  assert.equal(await ap.locator('main form[method=post]').count(), 0, 'no forms that post');
  assert.equal(await ap.locator('form.comment-form').count(), 0, 'no comment forms');
  assert.equal(await ap.getByRole('button', { name: 'Fastställ', exact: true }).count(), 0, 'no adopt button');
  assert.equal(await ap.getByRole('button', { name: 'Lägg till beslut' }).count(), 0);
  assert.ok((await ap.locator('.note').count()) > 0, 'the comments are shown as notes');
  await auditor.visit(adopted, { label: 'adopted review as auditor' });
  assert.equal(await ap.getByRole('button', { name: 'Rätta i en ny version' }).count(), 0);
  assert.match(await ap.locator('code.hash').innerText(), HASH_RE);
  let res = await ap.request.get(`${url}${adopted}/report.pdf`);
  assert.equal(res.status(), 200, 'the auditor downloads the report');
  // Hand-made posts are refused.
  const acsrf = await csrfOf(ap);
  for (const [p, body] of [
    [`${draft}/comments`, { 'comment.risks': 'Från revisorn.' }],
    [`${draft}/adopt`, {}],
    [`${adopted}/revise`, {}],
  ]) {
    res = await postForm(ap, url + p, { csrf: acsrf, ...body });
    assert.equal(res.status(), 403, `POST ${p} as the auditor`);
  }
  // The plan and an action, read-only.
  await auditor.visit('/plan', { label: '/plan as auditor' });
  assert.equal(await ap.getByRole('link', { name: 'Ny åtgärd' }).count(), 0);
  await auditor.visit(action, { label: 'action as auditor' });
  assert.equal(await ap.getByRole('button', { name: 'Spara' }).count(), 0);
  assert.notEqual(await ap.locator('#f-title').getAttribute('readonly'), null);
  res = await ap.goto(`${url}/plan/new`);
  assert.equal(res.status(), 403);
  // The unit report, read-only.
  await auditor.visit(unitReport, { label: 'unit report as auditor' });
  assert.equal(await ap.locator('form#unit-report input[type=radio]:not([disabled])').count(), 0);
  assert.equal(await ap.getByRole('button', { name: 'Skicka in', exact: true }).count(), 0);
  await auditor.visit(checklist, { label: 'checklist as auditor' });
  assert.equal(await ap.locator('main form[method=post]').count(), 0);
});
