// Follow-up rounds (uppföljningsomgångar), in the browser: a coordinating
// analyst creates a round (a form shown again with an error first), three
// invited organisations see the invitation on their start page and submit
// (one sharing its answers question by question), one withdraws; the analyst
// follows the response rate and the statuses, closes the round and reads the
// combined assessment, where groups smaller than k are suppressed; the two
// remaining respondents read their comparative feedback, the one that
// withdrew gets none. Then the newest national round of the demo with real
// figures: results, trend, a respondent, and the kommun's feedback. Every
// page without axe violations, console errors or CSP violations, the main
// ones also in English.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertStyled,
  checkA11y,
  clickAndWait,
  docxText,
  login,
  newContext,
  pageChecker,
  pathOf,
  pdfText,
  screenshot,
  setLanguage,
  squash,
  startLisa,
  submitForm,
  watchProblems,
  userPage,
} from './helpers.mjs';

/** A question's code in the built-in model (`styrdokument-3`): never shown to a reader. */
const RAW_QUESTION_ID = /\b(?:ledning|organisation|styrdokument|klassning|risk|behorighet|leverantorer|kontinuitet|loggning|utbildning|incidenter|dataskydd|nis|uppfoljning|internrevision|ledningens-genomgang|forbattring)-\d+\b/;
const ANALYST = 'analytiker@samordning.example';
const KOMMUN_CISO = 'ciso@exempla.se';
const REGION_CISO = 'ciso@region-exempla.se';
const AGENCY_CISO = 'ciso@exempelmyndigheten.se';
const COORDINATOR = 'Nationell samordning för informationssäkerhet';
const KOMMUN = 'Exempla kommun';
const REGION = 'Region Exempla';
const AGENCY = 'Exempelmyndigheten';
/** The new round; its name is not in the demo data. */
const ROUND = 'Snabbuppföljning informationssäkerhet 2026';
const MESSAGE = 'Svara med er självskattning för 2026.\nTack för hjälpen!';
const NATIONAL = 'Nationell uppföljning 2026';
const KOMMUN_ROUND = 'Nämndernas och bolagens uppföljning 2026';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const ROUND_RE = new RegExp(`^/rounds/${UUID}$`);
const SUPPRESSED = 'Visas inte';
const NOT_FOUND_H1 = 'Sidan eller uppgiften finns inte';
/** Journeys with several users post many forms and render documents. */
const LONG_TIMEOUT_MS = 240_000;

/** A new browser context (own cookies) with `email` logged in; closed when the test ends. */
/** The value of one <dt>/<dd> pair in the first list of class `cls` that has it. */
async function fact(scope, name, cls = 'facts') {
  const dd = scope.locator(`dl.${cls} > div`, { has: scope.locator('dt', { hasText: new RegExp(`^${name}$`) }) }).locator('dd');
  return squash(await dd.first().innerText());
}

/** 'YYYY-MM-DD' plus `days` days. */
function addDays(iso, days) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The h1 with white space collapsed. */
async function h1(page) {
  return squash(await page.locator('h1').innerText());
}

/** The invitees' table of a round page as { org: [kind, status, linked] }. */
async function invitees(page) {
  const rows = page.locator('section[aria-labelledby="h-invitees"] table tbody tr');
  const out = {};
  for (const row of await rows.all()) {
    const cells = (await row.locator('td').allInnerTexts()).map((c) => squash(c));
    out[cells[0]] = [cells[1], cells[2], (await row.locator('td').first().locator('a').count()) === 1];
  }
  return out;
}

/** The rows of a figures table (by its caption) as { label: [cells] }. */
async function figures(page, caption) {
  const table = page.locator('table.figures', { has: page.locator('caption', { hasText: new RegExp(`^${caption}$`) }) });
  assert.equal(await table.count(), 1, `one table "${caption}"`);
  return Object.fromEntries(
    await table.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [tr.querySelector('th').textContent.trim(), [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())]),
    ),
  );
}

/** The section "Ert svar: ORG" on a round page. */
function mySection(page, org) {
  return page.locator('section.card-section', { has: page.getByRole('heading', { name: `Ert svar: ${org}`, exact: true }) });
}

/** Bytes of a download link's target, fetched with the page's cookies; asserts 200 and the content type. */
async function download(page, href, type) {
  const res = await page.request.get(new URL(href, page.url()).href);
  assert.equal(res.status(), 200, `GET ${href}`);
  assert.match(res.headers()['content-type'], type, `content type of ${href}`);
  assert.match(res.headers()['content-disposition'] ?? '', /attachment/, `${href} is a download`);
  return res.body();
}

test('journey: a round is created, answered, withdrawn from, closed, summed up with small groups suppressed, and fed back', { timeout: LONG_TIMEOUT_MS }, async (t) => {
  const { url, browser } = await startLisa(t, 'rounds-journey');
  const analyst = await userPage(t, browser, url, ANALYST);
  const sv = pageChecker(analyst, url, 'sv');

  // --- The analyst finds the rounds in the menu and starts a new one. ---
  const nav = analyst.getByRole('navigation', { name: 'Huvudmeny' });
  await clickAndWait(analyst, nav.getByRole('link', { name: 'Uppföljningsomgångar', exact: true }));
  assert.equal(pathOf(analyst), '/rounds');
  assert.equal(await nav.getByRole('link', { name: 'Uppföljningsomgångar', exact: true }).getAttribute('aria-current'), 'page');
  await sv.check('/rounds as the analyst', { shot: 'rounds-list-analyst' });
  assert.equal(await h1(analyst), 'Uppföljningsomgångar');
  assert.equal(await analyst.getByRole('link', { name: ROUND, exact: true }).count(), 0, 'the new round is not there yet');
  await clickAndWait(analyst, analyst.getByRole('link', { name: 'Ny uppföljningsomgång', exact: true }));
  assert.equal(pathOf(analyst), '/rounds/new');
  // With more than one organisation to coordinate from, the choice comes first.
  const chooser = analyst.locator('main form[method=get][action="/rounds/new"]');
  if ((await chooser.count()) > 0) {
    await chooser.getByLabel('Samordnas av').selectOption({ label: COORDINATOR });
    await clickAndWait(analyst, chooser.getByRole('button', { name: 'Välj samordnande organisation' }));
  }
  await sv.check('/rounds/new', { shot: 'rounds-new' });
  assert.equal(await h1(analyst), 'Ny uppföljningsomgång');

  const form = analyst.locator('main form[method=post][action="/rounds"]');
  const opens = await form.getByLabel('Öppnar').inputValue();
  assert.match(opens, /^\d{4}-\d{2}-\d{2}$/, 'the form proposes today as the opening day');
  assert.equal(await form.getByLabel('Vilket år gäller svaren?').inputValue(), opens.slice(0, 4));
  // All the kinds the analyst may invite, offered as a whole.
  const kinds = (await form.locator('#f-kinds label').allInnerTexts()).map((s) => squash(s));
  for (const kind of ['Kommun', 'Region', 'Statlig myndighet', 'Stadshus AB', 'Kommunalt bolag']) {
    assert.ok(kinds.includes(`Alla av slaget: ${kind}`), `"Alla av slaget: ${kind}" in ${JSON.stringify(kinds)}`);
  }
  const pick = (name, kind) => form.getByRole('checkbox', { name: `${name} ${kind}`, exact: true });
  const fill = async (closes) => {
    await form.getByLabel('Namn på omgången').fill(ROUND);
    await form.getByLabel('Uppföljningsmodell').selectOption({ index: 0 });
    await form.getByLabel('Vilket år gäller svaren?').fill('2026');
    await form.getByLabel('Öppnar').fill(opens);
    await form.getByLabel('Sista svarsdag', { exact: true }).fill(closes);
    await form.getByLabel('Påminnelse, antal dagar före sista svarsdag').fill('1');
    await form.getByLabel('Minsta gruppstorlek').fill('3');
    await form.getByLabel('Meddelande till de inbjudna').fill(MESSAGE);
  };
  await fill(addDays(opens, -1));
  // The three organisations, one by one.
  const details = form.locator('details');
  await details.locator('summary').click();
  assert.equal(await details.getAttribute('open'), '', 'the list of organisations opens');
  for (const [name, kind] of [[KOMMUN, 'Kommun'], [REGION, 'Region'], [AGENCY, 'Statlig myndighet']]) {
    await pick(name, kind).check();
  }
  await sv.check('/rounds/new filled in');

  // A closing day before the opening day is refused, and what was typed stays.
  let res = await clickAndWait(analyst, form.getByRole('button', { name: 'Skapa omgången och skicka inbjudningar' }));
  assert.equal(res.status(), 422, 'closing before opening is refused');
  assert.equal(pathOf(analyst), '/rounds');
  assert.match(await analyst.locator('#error-summary').innerText(), /Sista svarsdag kan inte vara före den dag omgången öppnar\./);
  const target = await analyst.locator('#error-summary a').first().getAttribute('href');
  assert.equal(target, '#f-closes_on');
  assert.equal(await analyst.locator(target).count(), 1, 'the error summary links to the field');
  assert.equal(await analyst.locator('#f-closes_on').getAttribute('aria-invalid'), 'true');
  assert.equal(await form.getByLabel('Namn på omgången').inputValue(), ROUND);
  assert.equal(await form.getByLabel('Öppnar').inputValue(), opens);
  assert.equal(await form.getByLabel('Sista svarsdag', { exact: true }).inputValue(), addDays(opens, -1));
  assert.equal(await form.getByLabel('Minsta gruppstorlek').inputValue(), '3');
  assert.equal(await form.getByLabel('Påminnelse, antal dagar före sista svarsdag').inputValue(), '1');
  assert.equal(await form.getByLabel('Meddelande till de inbjudna').inputValue(), MESSAGE);
  // The picks are kept (the list is closed again, so the user opens it to see them).
  assert.deepEqual(await form.locator('input[name=invite]:checked').count(), 3, 'three organisations still picked');
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
  for (const [name, kind] of [[KOMMUN, 'Kommun'], [REGION, 'Region'], [AGENCY, 'Statlig myndighet']]) {
    assert.ok(await pick(name, kind).isChecked(), `${name} is still picked`);
  }
  assert.equal(await form.getByRole('checkbox', { name: 'Alla av slaget: Kommun', exact: true }).isChecked(), false);
  await sv.check('/rounds/new with an error', { shot: 'rounds-new-error' });

  // Corrected: the round is created and the analyst lands on it.
  const closes = addDays(opens, 4);
  await form.getByLabel('Sista svarsdag', { exact: true }).fill(closes);
  res = await clickAndWait(analyst, form.getByRole('button', { name: 'Skapa omgången och skicka inbjudningar' }));
  assert.equal(res.status(), 200);
  assert.match(pathOf(analyst), ROUND_RE);
  const round = pathOf(analyst);
  await sv.check('new round as the coordinator', { shot: 'rounds-round-new' });
  assert.equal(await h1(analyst), `${ROUND} ${COORDINATOR}`);
  assert.equal(await fact(analyst, 'Status'), 'Öppen för svar');
  assert.equal(await fact(analyst, 'År'), '2026');
  assert.equal(await fact(analyst, 'Svar tas emot'), `${opens} – ${closes}`);
  assert.equal(await fact(analyst, 'Minsta gruppstorlek'), '3');
  assert.equal(await analyst.locator('.notice p.pre').innerText(), MESSAGE);
  assert.equal(squash(await analyst.locator('section[aria-labelledby="h-progress"] p.lead').innerText()), 'Svarsfrekvens: 0 %');
  assert.equal(await fact(analyst, 'Inbjudna', 'stats'), '3');
  assert.equal(await fact(analyst, 'Inlämnad', 'stats'), '0');
  let table = await invitees(analyst);
  assert.deepEqual(Object.keys(table), [KOMMUN, AGENCY, REGION].sort((a, b) => a.localeCompare(b, 'sv')), 'the three invitees');
  for (const org of [KOMMUN, REGION, AGENCY]) {
    assert.ok(['Inte påbörjad', 'Påbörjad, inte inlämnad'].includes(table[org][1]), `${org} has not submitted: ${table[org][1]}`);
    assert.equal(table[org][2], false, `no respondent link for ${org} before it submits`);
  }
  assert.ok(await analyst.getByRole('button', { name: 'Stäng omgången nu' }).isVisible());
  assert.equal(await analyst.locator('section.card-section').count(), 0, 'the analyst answers for nobody');
  // The list shows it.
  await sv.visit('/rounds', { label: '/rounds with the new round' });
  const listed = analyst.locator('main table tbody tr', { has: analyst.getByRole('link', { name: ROUND, exact: true }) });
  assert.equal(await listed.count(), 1);
  assert.deepEqual((await listed.locator('td').allInnerTexts()).map((c) => squash(c)), [ROUND, COORDINATOR, '2026', closes, 'Öppen för svar', '0 av 3']);

  // --- Each CISO sees the invitation on the start page and submits. ---
  const cisos = [
    { email: KOMMUN_CISO, org: KOMMUN, employees: '4 800', share: false },
    { email: REGION_CISO, org: REGION, employees: '9500', share: true },
    { email: AGENCY_CISO, org: AGENCY, employees: '650', share: false },
  ];
  for (const c of cisos) {
    c.page = await userPage(t, browser, url, c.email);
    c.sv = pageChecker(c.page, url, 'sv');
    const p = c.page;
    await c.sv.check(`start page of ${c.email}`, { shot: c.org === KOMMUN ? 'rounds-start-invitation' : undefined });
    const card = p.locator('ul.cards li.card', { has: p.getByRole('link', { name: `Inbjudan: ${ROUND}`, exact: true }) });
    assert.equal(await card.count(), 1, `${c.email} sees the invitation on the start page`);
    assert.match(squash(await card.locator('p').innerText()), new RegExp(`^${COORDINATOR} bjuder in ${c.org} att svara senast ${closes} \\([34] dagar kvar\\)\\.$`));
    await clickAndWait(p, card.getByRole('link'));
    assert.equal(pathOf(p), round);
    await c.sv.check(`round as ${c.email}`, { shot: c.org === KOMMUN ? 'rounds-round-invitee' : undefined });
    assert.equal(await h1(p), `${ROUND} ${COORDINATOR}`);
    assert.equal(await p.locator('section[aria-labelledby="h-progress"]').count(), 0, 'an invitee does not see the progress');
    assert.equal(await p.locator('section[aria-labelledby="h-invitees"]').count(), 0, 'an invitee does not see the other invitees');
    assert.equal(await p.getByRole('link', { name: 'Samlad bedömning' }).count(), 0);
    const mine = mySection(p, c.org);
    assert.equal(await mine.count(), 1, `the section "Ert svar: ${c.org}"`);
    assert.equal(await p.locator('section.card-section').count(), 1, 'one answer section');
    assert.match(squash(await mine.locator('p').first().innerText()), /^Status: Påbörjad, inte inlämnad$/, 'the 2026 self-assessment counts as begun');
    assert.match(await mine.getByRole('link', { name: /^Självskattning 2026/ }).getAttribute('href'), new RegExp(`^/assessments/${UUID}$`));
    await mine.getByLabel('Antal anställda').fill(c.employees);
    if (c.share) await mine.getByLabel('Dela även våra svar fråga för fråga med samordnaren').check();
    res = await clickAndWait(p, mine.getByRole('button', { name: 'Lämna in till omgången' }));
    assert.equal(res.status(), 200);
    assert.equal(pathOf(p), round);
    assert.match(squash(await mySection(p, c.org).locator('p').first().innerText()), c.share ? /^Status: Inlämnad · svaren fråga för fråga är delade$/ : /^Status: Inlämnad$/);
    assert.equal(await mySection(p, c.org).getByLabel('Antal anställda').inputValue(), c.employees.replace(/\s/g, ''));
    assert.ok(await p.getByRole('button', { name: 'Lämna in igen med dagens svar' }).isVisible());
    assert.ok(await p.getByRole('button', { name: 'Återkalla vårt svar' }).isVisible());
    assert.equal(await p.getByRole('link', { name: 'Jämförande återkoppling' }).count(), 0, 'no feedback while the round is open');
    await c.sv.check(`round as ${c.email} after submitting`, { shot: c.share ? 'rounds-round-submitted' : undefined });
    // The invitation leaves the start page once answered.
    await c.sv.visit('/', { label: `start page of ${c.email} after submitting` });
    assert.equal(await p.getByRole('link', { name: `Inbjudan: ${ROUND}`, exact: true }).count(), 0);
    // The list of rounds shows the invitation as submitted.
    await c.sv.visit('/rounds', { label: `/rounds as ${c.email}` });
    const row = p.locator('main table tbody tr', { has: p.getByRole('link', { name: ROUND, exact: true }) });
    assert.equal(await row.count(), 1);
    assert.deepEqual((await row.locator('td').allInnerTexts()).map((x) => squash(x)), [`${ROUND} Öppen för svar`, c.org, COORDINATOR, closes, 'Inlämnad']);
  }
  const [kommun, region, agency] = cisos;

  // A number of employees that is not a number is refused readably (the kommun submits again).
  await kommun.sv.visit(round, { label: 'round before submitting again' });
  let mine = mySection(kommun.page, KOMMUN);
  await mine.getByLabel('Antal anställda').fill('många');
  res = await clickAndWait(kommun.page, mine.getByRole('button', { name: 'Lämna in igen med dagens svar' }));
  assert.equal(res.status(), 422);
  assert.match(await kommun.page.locator('#error-summary').innerText(), /Skriv antalet anställda som ett heltal, till exempel 1200\./);
  const employeesLink = await kommun.page.locator('#error-summary a').first().getAttribute('href');
  assert.equal(await kommun.page.locator(employeesLink).count(), 1, `the error summary links to ${employeesLink}, which is on the page`);
  await kommun.sv.check('round with a bad number of employees', { shot: 'rounds-round-error' });
  mine = mySection(kommun.page, KOMMUN);
  await mine.getByLabel('Antal anställda').fill('4800');
  res = await clickAndWait(kommun.page, mine.getByRole('button', { name: 'Lämna in igen med dagens svar' }));
  assert.equal(res.status(), 200);
  assert.match(squash(await mySection(kommun.page, KOMMUN).locator('p').first().innerText()), /^Status: Inlämnad$/);

  // The agency withdraws.
  await agency.sv.visit(round, { label: 'round before withdrawing' });
  res = await clickAndWait(agency.page, mySection(agency.page, AGENCY).getByRole('button', { name: 'Återkalla vårt svar' }));
  assert.equal(res.status(), 200);
  assert.equal(pathOf(agency.page), round);
  assert.match(squash(await mySection(agency.page, AGENCY).locator('p').first().innerText()), /^Status: Återkallad$/);
  assert.equal(await agency.page.getByRole('button', { name: 'Återkalla vårt svar' }).count(), 0);
  assert.ok(await agency.page.getByRole('button', { name: 'Lämna in till omgången' }).isVisible(), 'it may submit again while the round is open');
  await agency.sv.check('round after withdrawing', { shot: 'rounds-round-withdrawn' });

  // --- The analyst follows the round. ---
  await sv.visit(round, { label: 'round with answers', shot: 'rounds-round-progress' });
  // 2 of 3: Lisa shows 66 % today (rounds down); 67 % would do as well.
  assert.match(squash(await analyst.locator('section[aria-labelledby="h-progress"] p.lead').innerText()), /^Svarsfrekvens: 6[67] %$/);
  assert.equal(await fact(analyst, 'Inbjudna', 'stats'), '3');
  assert.equal(await fact(analyst, 'Inlämnad', 'stats'), '2');
  assert.equal(await fact(analyst, 'Återkallad', 'stats'), '1');
  assert.equal(await fact(analyst, 'Inte påbörjad', 'stats'), '0');
  table = await invitees(analyst);
  assert.deepEqual(table[KOMMUN], ['Kommun', 'Inlämnad', true]);
  assert.deepEqual(table[REGION], ['Region', 'Inlämnad', true]);
  assert.deepEqual(table[AGENCY], ['Statlig myndighet', 'Återkallad', false]);
  const respondentsRe = new RegExp(`^${round}/respondents/${UUID}$`);
  const regionHref = await analyst.locator('section[aria-labelledby="h-invitees"]').getByRole('link', { name: REGION, exact: true }).getAttribute('href');
  const kommunHref = await analyst.locator('section[aria-labelledby="h-invitees"]').getByRole('link', { name: KOMMUN, exact: true }).getAttribute('href');
  assert.match(regionHref, respondentsRe);
  assert.match(kommunHref, respondentsRe);
  // A respondent that shared its answers, and one that did not.
  await clickAndWait(analyst, analyst.getByRole('link', { name: REGION, exact: true }));
  assert.equal(pathOf(analyst), regionHref);
  await sv.check('respondent with shared answers', { shot: 'rounds-respondent-shared' });
  assert.equal(await h1(analyst), `${REGION} ${ROUND}`);
  assert.equal(await fact(analyst, 'Typ'), 'Region');
  assert.equal(await fact(analyst, 'Antal anställda'), '9500 (5 000 anställda eller fler)');
  assert.ok((await analyst.getByRole('region', { name: 'Svar fråga för fråga' }).locator('tbody tr').count()) > 20, 'the answers question by question');
  await sv.visit(kommunHref, { label: 'respondent without shared answers' });
  assert.equal(await h1(analyst), `${KOMMUN} ${ROUND}`);
  assert.equal(await fact(analyst, 'Antal anställda'), '4800 (1 000–4 999 anställda)');
  assert.ok(await analyst.getByText('Organisationen har inte delat sina svar fråga för fråga.').isVisible());
  // The agency withdrew: no page for it.
  const agencyId = await agency.page.locator('section.card-section input[name=org]').first().getAttribute('value');
  await sv.visit(`${round}/respondents/${agencyId}`, { status: 404, label: 'respondent that withdrew' });
  assert.equal(await h1(analyst), NOT_FOUND_H1);
  // An invitee may not read the coordinator's pages.
  for (const path of [`${round}/results`, `${round}/trend`, kommunHref]) {
    await region.sv.visit(path, { status: 404, label: `${path} as an invitee` });
  }

  // --- The analyst closes the round. ---
  await analyst.goto(url + round);
  res = await clickAndWait(analyst, analyst.getByRole('button', { name: 'Stäng omgången nu' }));
  assert.equal(res.status(), 200);
  assert.equal(pathOf(analyst), round);
  assert.equal(await fact(analyst, 'Status'), 'Stängd');
  assert.equal(await analyst.getByRole('button', { name: 'Stäng omgången nu' }).count(), 0, 'a closed round cannot be closed again');
  await sv.check('closed round', { shot: 'rounds-round-closed' });

  // The combined assessment: two respondents, fewer than k = 3 everywhere.
  await clickAndWait(analyst, analyst.getByRole('link', { name: 'Samlad bedömning', exact: true }));
  assert.equal(pathOf(analyst), `${round}/results`);
  await sv.check('results of the small round', { shot: 'rounds-results-suppressed' });
  assert.equal(await h1(analyst), `Samlad bedömning ${ROUND}`);
  assert.equal(await fact(analyst, 'Status'), 'Stängd');
  assert.equal(await fact(analyst, 'Inbjudna'), '3');
  assert.equal(await fact(analyst, 'Svarande'), '2');
  assert.equal(await fact(analyst, 'Minsta gruppstorlek'), '3');
  assert.match(await analyst.locator('main p.notice').innerText(), /Siffror för grupper med färre än 3 organisationer visas inte/);
  const levels = await figures(analyst, 'Fördelning av nivåer');
  assert.ok(levels.Alla, `an "Alla" row in ${JSON.stringify(levels)}`);
  assert.deepEqual(levels.Alla, Array(7).fill(SUPPRESSED), 'the whole group is below k');
  for (const [group, cells] of Object.entries(levels)) {
    assert.ok(cells.every((c) => c === SUPPRESSED), `group ${group} suppressed: ${JSON.stringify(cells)}`);
  }
  assert.ok(levels.Kommun && levels.Region, 'a row per kind that answered');
  assert.equal(levels['Statlig myndighet'], undefined, 'the agency withdrew: no row of its own');
  assert.equal(await analyst.locator('table.figures tr.suppressed').count() >= Object.keys(levels).length, true, 'suppressed rows are marked');
  const areas = await figures(analyst, 'Andel uppfyllt per område');
  assert.ok(Object.keys(areas).length >= 10, 'a row per area');
  for (const cells of Object.values(areas)) assert.ok(cells.every((c) => c === SUPPRESSED), `area cells suppressed: ${cells}`);
  const blockers = await figures(analyst, 'Vanligaste hindren');
  assert.deepEqual(blockers, { Alla: [SUPPRESSED, SUPPRESSED, SUPPRESSED] });
  // Every other table too (also the blockers per group): nothing but the suppression note in a cell.
  const cells = await analyst.locator('main table.figures tbody td').allInnerTexts();
  assert.ok(cells.length > 0 && cells.every((c) => c.trim() === SUPPRESSED), `only "${SUPPRESSED}" in the cells: ${[...new Set(cells)].join(' | ')}`);
  assert.equal(await analyst.locator('main figure svg').count(), 0, 'no chart of suppressed figures');
  const body = await analyst.locator('main').innerText();
  assert.doesNotMatch(body, /\d+ \(\d+ %\)/, 'no counts of a level anywhere');
  // The downloads say the same.
  const dl = async (name) => analyst.getByRole('link', { name, exact: true }).getAttribute('href');
  const pdf = pdfText(await download(analyst, await dl('Ladda ner som PDF'), /^application\/pdf/));
  assert.match(pdf.text, new RegExp(`Samlad bedömning – ${ROUND}`));
  assert.match(pdf.text, /Visas inte/);
  assert.match(squash(pdf.text), /för få svarande för att fler siffror ska kunna visas/, 'the summary finds nothing the tables hide');
  assert.doesNotMatch(squash(pdf.text), /Vanligast är nivå|Starkast är området/);
  const docx = docxText(await download(analyst, await dl('Ladda ner som Word'), /wordprocessingml/));
  assert.match(docx.text, /Visas inte/);
  const xlsx = await download(analyst, await dl('Ladda ner som Excel'), /spreadsheetml/);
  assert.ok(xlsx.subarray(0, 2).equals(Buffer.from('PK')), 'an xlsx (zip) file');
  const csv = (await download(analyst, await dl('Ladda ner som CSV'), /^text\/csv/)).toString('utf8');
  assert.match(csv, /^\ufeff/, 'the CSV starts with a BOM for Excel');
  assert.match(csv, /Fördelning av nivåer;Alla;Svarande;Visas inte\r\n/);
  assert.doesNotMatch(csv, /;\d+ \(\d+ %\)\r\n/, 'no level counts in the CSV');
  // The trend page of the analyst's rounds.
  await clickAndWait(analyst, analyst.locator('main').getByRole('link', { name: 'Utveckling över åren', exact: true }));
  assert.equal(pathOf(analyst), `${round}/trend`);
  await sv.check('trend of the small round', { shot: 'rounds-trend-small' });
  const trend = await figures(analyst, 'Utveckling över åren');
  assert.ok(trend[ROUND], `the new round in the trend: ${JSON.stringify(Object.keys(trend))}`);
  assert.deepEqual(trend[ROUND].slice(0, 3), ['2', SUPPRESSED, SUPPRESSED]);

  // --- The remaining respondents read their feedback; the one that withdrew gets none. ---
  for (const c of [kommun, region]) {
    const p = c.page;
    await c.sv.visit('/', { label: `start page of ${c.email} after closing` });
    const card = p.getByRole('link', { name: `Jämförelse klar: ${ROUND}`, exact: true });
    assert.equal(await card.count(), 1, `${c.email} is told the comparison is ready`);
    await c.sv.visit(round, { label: `closed round as ${c.email}` });
    assert.equal(await p.getByRole('button', { name: /Lämna in|Återkalla/ }).count(), 0, 'no answering after closing');
    await clickAndWait(p, p.getByRole('link', { name: 'Jämförande återkoppling', exact: true }));
    assert.match(pathOf(p), new RegExp(`^${round}/feedback$`));
    await c.sv.check(`feedback of ${c.org}`, { shot: c.org === KOMMUN ? 'rounds-feedback-small' : undefined });
    assert.equal(await h1(p), `Jämförande återkoppling ${c.org}`);
    assert.match(await fact(p, 'Nivå', 'stats'), /^[0-4]$/);
    assert.equal(await fact(p, 'Percentil – Alla', 'stats'), SUPPRESSED, 'one other respondent is fewer than 3');
    const rows = await p.locator('main table.figures tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())));
    assert.ok(rows.length >= 10, 'a row per area');
    for (const cells of rows) {
      assert.match(cells[0], /^\d+ %$/, 'its own share is shown');
      assert.ok(cells.slice(1).every((x) => x === SUPPRESSED), `the peers' cells are suppressed: ${cells}`);
    }
    c.feedback = `${pathOf(p)}${new URL(p.url()).search}`;
    assert.match(c.feedback, new RegExp(`^${round}/feedback\\?org=${UUID}$`));
    // The start page's card leads to the same page.
    await p.goto(url + '/');
    assert.equal(await p.getByRole('link', { name: `Jämförelse klar: ${ROUND}`, exact: true }).getAttribute('href'), c.feedback);
  }
  // The feedback as PDF.
  await kommun.page.goto(url + kommun.feedback);
  const feedbackPdf = pdfText(await download(kommun.page, await kommun.page.getByRole('link', { name: 'Ladda ner som PDF', exact: true }).getAttribute('href'), /^application\/pdf/));
  assert.match(feedbackPdf.text, new RegExp(`Jämförande återkoppling – ${ROUND}`));
  assert.match(feedbackPdf.text, /Visas inte/);
  assert.match(feedbackPdf.text, new RegExp(KOMMUN));

  // The agency withdrew: no card, no link, and the address answers 404.
  await agency.sv.visit('/', { label: 'start page of the agency after closing' });
  assert.equal(await agency.page.getByRole('link', { name: new RegExp(ROUND) }).count(), 0, 'no card for the round');
  await agency.sv.visit(round, { label: 'closed round as the agency' });
  assert.match(squash(await mySection(agency.page, AGENCY).locator('p').first().innerText()), /^Status: Återkallad$/);
  assert.equal(await agency.page.getByRole('link', { name: 'Jämförande återkoppling' }).count(), 0, 'no feedback link');
  assert.equal(await agency.page.getByRole('button').filter({ hasText: /Lämna in|Återkalla/ }).count(), 0);
  await agency.sv.visit(`${round}/feedback?org=${agencyId}`, { status: 404, label: 'feedback of the agency' });
  assert.equal(await h1(agency.page), NOT_FOUND_H1);
  const agencyPdf = await agency.page.request.get(`${url}${round}/feedback.pdf?org=${agencyId}`);
  assert.equal(agencyPdf.status(), 404, 'no feedback PDF either');
  // Nor may one invitee read another's feedback.
  const kommunId = new URL(url + kommun.feedback).searchParams.get('org');
  await agency.sv.visit(`${round}/feedback?org=${kommunId}`, { status: 404, label: "another invitee's feedback" });

  // --- The main pages in English. ---
  await setLanguage(analyst, url, 'en');
  const en = pageChecker(analyst, url, 'en');
  await en.visit('/rounds', { label: '/rounds (en)' });
  assert.equal(await h1(analyst), 'Follow-up rounds');
  await en.visit('/rounds/new', { label: '/rounds/new (en)', shot: 'rounds-new-en' });
  assert.equal(await h1(analyst), 'New follow-up round');
  await en.visit(round, { label: 'round (en)', shot: 'rounds-round-en' });
  assert.match(squash(await analyst.locator('section[aria-labelledby="h-progress"] p.lead').innerText()), /^Response rate: 6[67] %$/);
  await en.visit(`${round}/results`, { label: 'results (en)', shot: 'rounds-results-en' });
  assert.equal(await h1(analyst), `Combined assessment ${ROUND}`);
  assert.deepEqual((await figures(analyst, await analyst.locator('table.figures caption').first().innerText())).All, Array(7).fill('Not shown'));
  assert.doesNotMatch(await analyst.locator('main').innerText(), /Visas inte|Samlad bedömning|Inbjudna/, 'no Swedish left on the results');
  await en.visit(kommunHref, { label: 'respondent (en)' });
  await en.visit(`${round}/trend`, { label: 'trend (en)' });
  await setLanguage(kommun.page, url, 'en');
  const kommunEn = pageChecker(kommun.page, url, 'en');
  await kommunEn.visit(`${round}/feedback?org=${kommunId}`, { label: 'feedback (en)', shot: 'rounds-feedback-en' });
  assert.equal(await h1(kommun.page), `Comparative feedback ${KOMMUN}`);
  assert.doesNotMatch(await kommun.page.locator('main').innerText(), /Visas inte|Jämförande|Områden/, 'no Swedish left on the feedback');
  await kommunEn.visit(round, { label: 'round as an invitee (en)' });
  assert.equal(await kommun.page.getByRole('link', { name: 'Comparative feedback', exact: true }).count(), 1);
});

test('the newest national round with real figures: results, trend, a respondent, the kommun\'s feedback; the kommun\'s own round', { timeout: LONG_TIMEOUT_MS }, async (t) => {
  const { url, browser } = await startLisa(t, 'rounds-national');
  const analyst = await userPage(t, browser, url, ANALYST);
  const sv = pageChecker(analyst, url, 'sv');

  await sv.visit('/rounds', { label: '/rounds with the national rounds' });
  const names = (await analyst.locator('section[aria-labelledby="h-coordinated"] tbody tr td:first-child').allInnerTexts()).map((s) => squash(s));
  for (const year of [2024, 2025, 2026]) assert.ok(names.includes(`Nationell uppföljning ${year}`), `the national round of ${year} in ${JSON.stringify(names)}`);
  await clickAndWait(analyst, analyst.getByRole('link', { name: NATIONAL, exact: true }));
  assert.match(pathOf(analyst), ROUND_RE);
  const round = pathOf(analyst);
  await sv.check('national round', { shot: 'rounds-national-round' });
  assert.equal(await fact(analyst, 'Status'), 'Stängd');
  assert.equal(await fact(analyst, 'Minsta gruppstorlek'), '5');
  const invited = Number(await fact(analyst, 'Inbjudna', 'stats'));
  const submitted = Number(await fact(analyst, 'Inlämnad', 'stats'));
  assert.ok(invited >= 250 && submitted >= 200 && submitted <= invited, `about 300 organisations, most answered: ${submitted} of ${invited}`);
  const rate = squash(await analyst.locator('section[aria-labelledby="h-progress"] p.lead').innerText());
  const rates = [Math.floor((submitted * 100) / invited), Math.round((submitted * 100) / invited)].map((r) => `Svarsfrekvens: ${r} %`);
  assert.ok(rates.includes(rate), `${rate} is one of ${rates}`);
  // The invitees, 50 to a page, with a link to the next.
  assert.equal(Object.keys(await invitees(analyst)).length, 50);
  const list = analyst.locator('section[aria-labelledby="h-invitees"]');
  assert.equal(squash(await list.getByRole('status').innerText()), `Visar 1–50 av ${invited} inbjudna organisationer.`);
  assert.equal(await list.getByRole('link', { name: 'Nästa sida →' }).count(), 1);
  assert.equal(await analyst.getByRole('button', { name: 'Stäng omgången nu' }).count(), 0);

  // Results: real figures for all.
  await clickAndWait(analyst, analyst.getByRole('link', { name: 'Samlad bedömning', exact: true }));
  await sv.check('national results', { shot: 'rounds-national-results' });
  assert.equal(await fact(analyst, 'Svarande'), String(submitted));
  const levels = await figures(analyst, 'Fördelning av nivåer');
  assert.equal(levels.Alla[0], String(submitted), 'all respondents counted');
  assert.ok(levels.Alla.every((c) => !c.startsWith('Visas inte')), `real figures for all: ${levels.Alla}`);
  const counts = levels.Alla.slice(1, 6).map((c) => Number(c.match(/^(\d+) \(\d+ %\)$/)?.[1]));
  assert.equal(counts.reduce((a, b) => a + b, 0), submitted, `the levels add up: ${levels.Alla}`);
  assert.match(levels.Alla[6], /^\d,\d$/, 'a mean level with a decimal comma');
  assert.ok(levels.Kommun && levels.Kommun.every((c) => !c.startsWith('Visas inte')), 'the kommuner are many enough');
  const areas = await figures(analyst, 'Andel uppfyllt per område');
  for (const [area, cells] of Object.entries(areas)) assert.match(cells[0], /^\d+ %$/, `mean of ${area}`);
  const common = await figures(analyst, 'Vanligaste hindren');
  assert.ok(Object.keys(common).length >= 1, 'the common blockers');
  for (const [question, cells] of Object.entries(common)) {
    assert.match(question, /\?$/, `a blocker is named by its question: ${question}`);
    assert.match(cells[0], /^[A-ZÅÄÖ][^,]+, fråga \d+$/, `and placed in words: ${cells[0]}`);
  }
  assert.doesNotMatch(await analyst.locator('main').innerText(), RAW_QUESTION_ID, 'no question codes on the results page');
  assert.equal(await analyst.locator('main figure svg').count(), 2, 'the level chart and the area chart');
  const fits = await analyst.locator('table.figures').first().evaluate((tb) => tb.scrollWidth <= tb.parentElement.clientWidth);
  assert.ok(fits, 'the level table fits at 1280 px');
  const pdf = pdfText(await download(analyst, await analyst.getByRole('link', { name: 'Ladda ner som PDF', exact: true }).getAttribute('href'), /^application\/pdf/));
  assert.match(pdf.text, new RegExp(`Samlad bedömning – ${NATIONAL}`));
  assert.match(pdf.text, /Utveckling över åren/, 'the report has the trend');
  assert.doesNotMatch(pdf.text, RAW_QUESTION_ID, 'no question codes in the report');
  // The summary says the main findings in sentences.
  const flat = squash(pdf.text);
  for (const finding of [/\d+ av \d+ inbjudna organisationer svarade/, /Vanligast är nivå \d/, /Starkast är området .+ \(median \d+ %\), svagast/, /Det vanligaste hindret för att nå nästa nivå är frågan/, /Medelnivån för alla svarande har gått från \d,\d år \d{4} till \d,\d år \d{4}/]) {
    assert.match(flat, finding, 'a finding in the summary');
  }

  // The trend over the three national rounds.
  await clickAndWait(analyst, analyst.locator('main').getByRole('link', { name: 'Utveckling över åren', exact: true }));
  await sv.check('national trend', { shot: 'rounds-national-trend' });
  const trend = await figures(analyst, 'Utveckling över åren');
  for (const year of [2024, 2025, 2026]) {
    const row = trend[`Nationell uppföljning ${year}`];
    assert.ok(row, `the ${year} round in the trend: ${JSON.stringify(Object.keys(trend))}`);
    assert.match(row[1], /^\d,\d$/, `a mean level for ${year}: ${row}`);
  }
  assert.equal(await analyst.locator('main figure svg').count(), 1, 'the trend chart');
  await screenshot(analyst, 'rounds-national-trend');

  // A respondent.
  await analyst.goto(url + round);
  const link = analyst.locator('section[aria-labelledby="h-invitees"] tbody a').first();
  const org = squash(await link.innerText());
  await clickAndWait(analyst, link);
  assert.match(pathOf(analyst), new RegExp(`^${round}/respondents/${UUID}$`));
  await sv.check('national respondent', { shot: 'rounds-national-respondent' });
  assert.equal(await h1(analyst), `${org} ${NATIONAL}`);
  assert.match(await fact(analyst, 'Nivå'), /^[0-4]$/);
  // The kommun is a respondent too: found with the invitee list's search.
  await analyst.goto(url + round);
  await list.getByLabel('Sök organisation').fill(KOMMUN.toUpperCase());
  await list.getByLabel('Status').selectOption('submitted');
  await clickAndWait(analyst, list.getByRole('button', { name: 'Visa', exact: true }));
  assert.deepEqual(Object.keys(await invitees(analyst)), [KOMMUN], 'the search finds the kommun alone');
  await sv.check('the invitee list searched', { shot: 'rounds-national-invitees-search' });
  await clickAndWait(analyst, list.getByRole('link', { name: KOMMUN, exact: true }));
  await sv.check('the kommun as a national respondent');
  assert.equal(await h1(analyst), `${KOMMUN} ${NATIONAL}`);

  // In English.
  await setLanguage(analyst, url, 'en');
  const en = pageChecker(analyst, url, 'en');
  await en.visit(round, { label: 'national round (en)' });
  await en.visit(`${round}/results`, { label: 'national results (en)', shot: 'rounds-national-results-en' });
  const levelsEn = await figures(analyst, await analyst.locator('table.figures caption').first().innerText());
  assert.ok(levelsEn.All && levelsEn.All.every((c) => !c.startsWith('Not shown')), 'real figures for all, in English');
  await en.visit(`${round}/trend`, { label: 'national trend (en)' });

  // The kommun's feedback, as its CISO.
  const ciso = await userPage(t, browser, url, KOMMUN_CISO);
  const csv = pageChecker(ciso, url, 'sv');
  await csv.check('start page of the kommun');
  await csv.visit('/rounds', { label: '/rounds as the kommun' });
  const invitation = ciso.locator('section[aria-labelledby="h-invitations"] tbody tr', {
    has: ciso.getByRole('link', { name: NATIONAL, exact: true }),
  });
  assert.equal(await invitation.count(), 1, 'the kommun was invited to the national round');
  assert.match(squash(await invitation.innerText()), /Inlämnad$/);
  await clickAndWait(ciso, invitation.getByRole('link', { name: NATIONAL, exact: true }));
  assert.equal(pathOf(ciso), round);
  await csv.check('national round as the kommun');
  assert.equal(await ciso.locator('section[aria-labelledby="h-invitees"]').count(), 0, 'the kommun does not see the other invitees');
  await clickAndWait(ciso, mySection(ciso, KOMMUN).getByRole('link', { name: 'Jämförande återkoppling', exact: true }));
  assert.match(pathOf(ciso), new RegExp(`^${round}/feedback$`));
  const feedback = `${pathOf(ciso)}${new URL(ciso.url()).search}`;
  await csv.check('national feedback of the kommun', { shot: 'rounds-national-feedback' });
  assert.equal(await h1(ciso), `Jämförande återkoppling ${KOMMUN}`);
  assert.match(await fact(ciso, 'Percentil – Alla', 'stats'), /^Högre än \d+ % av de andra$/);
  assert.doesNotMatch(await ciso.locator('main').innerText(), RAW_QUESTION_ID, 'no question codes in the feedback');
  const rows = await ciso.locator('main table.figures tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())));
  assert.ok(rows.length >= 10);
  for (const cells of rows) {
    assert.match(cells[0], /^\d+ %$/);
    assert.match(cells[4], /^\d+ %$/, `the median of all is shown: ${cells}`);
  }
  assert.equal(await ciso.locator('main figure svg').count(), 1, 'the comparison chart');
  const fpdf = pdfText(await download(ciso, await ciso.getByRole('link', { name: 'Ladda ner som PDF', exact: true }).getAttribute('href'), /^application\/pdf/));
  assert.match(fpdf.text, new RegExp(`Jämförande återkoppling – ${NATIONAL}`));
  // The coordinator's pages are not the kommun's.
  await csv.visit(`${round}/results`, { status: 404, label: 'national results as the kommun' });

  // The kommun's own round: its CISO coordinates it and answers for each förvaltning and bolag.
  await csv.visit('/rounds', { label: '/rounds as the kommun again' });
  await clickAndWait(ciso, ciso.locator('section[aria-labelledby="h-coordinated"]').getByRole('link', { name: KOMMUN_ROUND, exact: true }));
  await csv.check("the kommun's own round", { shot: 'rounds-kommun-round' });
  assert.equal(await fact(ciso, 'Status'), 'Öppen för svar');
  assert.equal(await fact(ciso, 'Inbjudna', 'stats'), '7');
  assert.equal(await fact(ciso, 'Inlämnad', 'stats'), '4');
  assert.equal(await ciso.locator('section.card-section').count(), 7, 'an answer section per förvaltning and bolag');
  // Who submitted answers with its own self-assessment.
  assert.equal(await ciso.getByText('Ni har ingen självskattning för året än', { exact: false }).count(), 3, 'only the three bolag without an assessment');
  // Each section's fields have their own label (ids unique on the page).
  const ids = await ciso.locator('main [id]').evaluateAll((els) => els.map((e) => e.id));
  assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), [], 'no duplicate ids');
  assert.equal(await ciso.getByRole('textbox', { name: 'Antal anställda', exact: true }).count(), 7, 'each number of employees has its label');
  assert.equal(await ciso.getByRole('checkbox', { name: 'Dela även våra svar fråga för fråga med samordnaren', exact: true }).count(), 7);
  await csv.visit(pathOf(ciso) + '/results', { label: "results of the kommun's round" });
  assert.ok((await figures(ciso, 'Fördelning av nivåer')).Alla.every((c) => !c.startsWith('Visas inte')), 'four respondents, k = 3');
  await setLanguage(ciso, url, 'en');
  const cen = pageChecker(ciso, url, 'en');
  await cen.visit(feedback, { label: 'national feedback (en)', shot: 'rounds-national-feedback-en' });
  assert.equal(await h1(ciso), `Comparative feedback ${KOMMUN}`);
});
