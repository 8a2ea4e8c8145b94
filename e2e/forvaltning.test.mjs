// A förvaltning's own management review (seed 001) and the register of
// steering documents, in the browser: the förvaltning's coordinator prepares
// the review, its förvaltningschef adopts it, its priorities appear in its
// action plan, the kommun's CISO sees it in the roll-up, and the report
// carries every part; steering documents with a version file and an
// implementation status. Every page axe-clean in Swedish and English.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkA11y,
  clickAndWait,
  login,
  newContext,
  pageChecker,
  pathOf,
  pdfText,
  docxText,
  screenshot,
  setLanguage,
  squash,
  startLisa,
  watchProblems,
  userPage,
} from './helpers.mjs';

const CISO = 'ciso@exempla.se';
const COORDINATOR = 'samordnare@exempla.se';
const CHIEF = 'forvaltningschef@exempla.se';
const ADMIN = 'admin@exempla.se';
const SOCIAL = 'Socialförvaltningen';
const KOMMUN = 'Exempla kommun';
const YEAR = '2027';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const REVIEW_RE = new RegExp(`^/reviews/${UUID}$`);
const DOC_RE = new RegExp(`^/steering/${UUID}$`);
const LONG_TIMEOUT_MS = 240_000;

/** The path of ORG's review for YEAR, read from /reviews. */
async function reviewPath(page, url, org, year) {
  await page.goto(`${url}/reviews`);
  const row = page
    .locator('main table tbody tr')
    .filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^${org}$`) }) })
    .filter({ has: page.getByRole('link', { name: String(year), exact: true }) });
  assert.equal(await row.count(), 1, `one review row for ${org} ${year}`);
  return row.getByRole('link', { name: String(year), exact: true }).getAttribute('href');
}

async function startReview(page, url, org, year) {
  await page.goto(`${url}/reviews`);
  const start = page.locator('main form[action="/reviews"]');
  const select = start.getByLabel('Organisation');
  // Options are indented by depth ("– – Socialförvaltningen").
  const value = await select.locator('option').evaluateAll(
    (os, name) => os.find((o) => o.textContent.replace(/^(– )+/, '').trim() === name)?.value,
    org,
  );
  assert.ok(value, `${org} may be started`);
  await select.selectOption(value);
  await start.getByLabel('År').fill(year);
  const res = await clickAndWait(page, start.getByRole('button', { name: 'Påbörja genomgången' }));
  assert.equal(res.status(), 200);
  assert.match(pathOf(page), REVIEW_RE);
  return pathOf(page);
}

async function download(page, url, path) {
  const res = await page.request.get(url + path);
  assert.equal(res.status(), 200, path);
  return res.body();
}

test('pages: the förvaltning review, the roll-up, steering documents and the organisation setting (sv and en)', { timeout: LONG_TIMEOUT_MS }, async (t) => {
  const { url, browser } = await startLisa(t, 'forvaltning-pages');
  const page = await userPage(t, browser, url, CISO);
  const social2026 = await reviewPath(page, url, SOCIAL, 2026);
  const kommun2026 = await reviewPath(page, url, KOMMUN, 2026);
  await page.goto(`${url}/steering`);
  const guideline = await page.getByRole('link', { name: 'Riktlinje för informationssäkerhet', exact: true }).getAttribute('href');
  const pages = [
    [social2026, 'review-forvaltning-2026'],
    [kommun2026, 'review-kommun-rollup'],
    ['/steering', 'steering-list'],
    [guideline, 'steering-document'],
    ['/yearwheel?year=2027', null],
  ];
  for (const lang of ['sv', 'en']) {
    if (lang === 'en') await setLanguage(page, url, 'en');
    const check = pageChecker(page, url, lang);
    for (const [path, shot] of pages) await check.visit(path, { shot: shot && `${shot}-${lang}`, lang });
  }
  // The kommun's review shows the roll-up: both förvaltningar are still preparing theirs.
  await setLanguage(page, url, 'sv');
  await page.goto(url + kommun2026);
  const rollup = page.locator('#s-rollup');
  assert.match(await rollup.locator('h2').innerText(), /Genomgångar i förvaltningar och bolag/);
  const row = rollup.locator('tbody tr', { has: page.getByRole('rowheader', { name: SOCIAL, exact: true }) });
  assert.match(await row.innerText(), /Under beredning/);
  assert.match(await rollup.innerText(), /Har inte fastställt sin genomgång: \d+ \/ \d+/);
  // The förvaltning's review opens with the steering documents and its checklist (seed 001).
  await page.goto(url + social2026);
  const headings = await page.locator('#sections > section > h2').allInnerTexts();
  assert.match(headings[0], /^1\. Styrdokument$/);
  assert.match(headings[1], /^2\. Checklistan: läget i förvaltningen och dess enheter$/);
  assert.match(await page.locator('#s-documents').innerText(), /Översyn försenad/);

  // The administrator sets whether a förvaltning holds its own review.
  const admin = await userPage(t, browser, url, ADMIN);
  await admin.goto(`${url}/orgs`);
  await clickAndWait(admin, admin.locator('ul.tree').getByRole('link', { name: 'Kultur- och fritidsförvaltningen', exact: true }));
  const box = admin.getByLabel('Håller egen ledningens genomgång');
  assert.equal(await box.isChecked(), false);
  await checkA11y(admin, 'organisation with the review setting');
  await box.check();
  const res = await clickAndWait(admin, admin.getByRole('button', { name: 'Spara', exact: true }));
  assert.equal(res.status(), 200);
  assert.equal(await admin.getByLabel('Håller egen ledningens genomgång').isChecked(), true);
});

test('journey: the förvaltning prepares and adopts its review, the kommun sees it roll up, the report follows seed 001', { timeout: LONG_TIMEOUT_MS }, async (t) => {
  const { url, browser } = await startLisa(t, 'forvaltning-journey');
  const FOLLOW_UP = 'Den lokala anvisningen är införd på alla enheter.';
  const DPO = 'Dataskyddsombudet ser fler felskickade e-postmeddelanden.';
  const PRIORITY = 'Varje verksamhetssystem får en utsedd objektledare.';
  const GOVERNANCE = 'Den lokala anvisningen revideras efter ett år.';

  // --- The coordinator starts and prepares Socialförvaltningen's 2027 review. ---
  const cp = await userPage(t, browser, url, COORDINATOR);
  const watch = watchProblems(cp);
  const review = await startReview(cp, url, SOCIAL, YEAR);
  assert.equal(squash(await cp.locator('h1').innerText()), `Ledningens genomgång ${YEAR} ${SOCIAL}`);
  await checkA11y(cp, 'new förvaltning review');
  await cp.locator('textarea[name="comment.follow_up"]').fill(FOLLOW_UP);
  await cp.locator('textarea[name="comment.dpo_report"]').fill(DPO);
  let res = await clickAndWait(cp, cp.locator('button[name=go][value=follow_up]'));
  assert.equal(res.status(), 200);
  assert.equal(await cp.locator('textarea[name="comment.dpo_report"]').inputValue(), DPO, 'one button saves every section');
  // The DPO's annual report as a file in its section.
  const upload = cp.locator('#s-dpo_report form[action$="/files"]');
  await upload.getByLabel(/Bifoga en fil/).setInputFiles({ name: 'dso-arsrapport-2027.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 DSO') });
  res = await clickAndWait(cp, upload.getByRole('button', { name: 'Ladda upp filen' }));
  assert.equal(res.status(), 200);
  assert.equal(await cp.locator('#s-dpo_report').getByRole('link', { name: 'dso-arsrapport-2027.pdf' }).count(), 1);
  assert.equal(await cp.locator('textarea[name="comment.dpo_report"]').inputValue(), DPO, 'the saved text stays');
  const meeting = cp.locator('form[action$="/meeting"]');
  await meeting.getByLabel('Mötesdatum').fill('2027-11-16');
  await meeting.locator('textarea[name=participants]').fill('Förvaltningschef Helena Strid\nSamordnare Erik Lind');
  res = await clickAndWait(cp, meeting.getByRole('button', { name: 'Spara', exact: true }));
  assert.equal(res.status(), 200);
  const decide = async (kind, text, document) => {
    const form = cp.locator('form[action$="/decisions"]');
    await form.locator('select[name=kind]').selectOption({ label: kind });
    await form.locator('textarea[name=text]').fill(text);
    await form.locator('input[name=responsible]').fill('Förvaltningschefen');
    await form.locator('input[name=deadline]').fill('2028-06-30');
    if (document) await form.locator('select[name=document_id]').selectOption({ label: document });
    return clickAndWait(cp, form.getByRole('button', { name: 'Lägg till beslut' }));
  };
  // A decision to improve cannot name a steering document: the message says so.
  res = await decide('Förbättring', PRIORITY, 'Lokal anvisning för informationssäkerhet i socialförvaltningen');
  assert.equal(res.status(), 422);
  assert.match(await cp.locator('#error-summary').innerText(), /Bara beslut om ändring i styrning/);
  await checkA11y(cp, 'decision with an error');
  res = await decide('Förbättring', PRIORITY, 'Inget');
  assert.equal(res.status(), 200);
  res = await decide('Ändring i styrning eller styrdokument', GOVERNANCE, 'Lokal anvisning för informationssäkerhet i socialförvaltningen');
  assert.equal(res.status(), 200);
  const decisions = await cp.locator('#decisions').innerText();
  assert.match(decisions, /Ändrar styrdokument: Lokal anvisning för informationssäkerhet i socialförvaltningen/);
  assert.match(decisions, new RegExp(`Prioriterade områden för 2028[\\s\\S]*${PRIORITY}`));
  assert.equal(await cp.getByRole('button', { name: 'Fastställ', exact: true }).count(), 0, 'the coordinator does not adopt');
  watch.assertNone('preparing');

  // --- The förvaltningschef adopts it. ---
  const chief = await userPage(t, browser, url, CHIEF);
  const cwatch = watchProblems(chief);
  await chief.goto(url + review);
  await checkA11y(chief, 'review to adopt');
  await chief.getByLabel(/Jag har gått igenom underlaget/).check();
  res = await clickAndWait(chief, chief.getByRole('button', { name: 'Fastställ', exact: true }));
  assert.equal(res.status(), 200);
  assert.equal(await chief.locator('code.hash').count(), 1, 'adopted with its content hash');
  await screenshot(chief, 'forvaltning-review-adopted');
  // The priority is an action in the förvaltning's plan.
  await chief.goto(`${url}/plan`);
  assert.match(await chief.locator('main').innerText(), new RegExp(PRIORITY));
  // The chief sees no other review.
  await chief.goto(`${url}/reviews`);
  const orgs = await chief.locator('main table tbody td:first-child').allInnerTexts();
  assert.ok(orgs.length > 0 && orgs.every((o) => o === SOCIAL), JSON.stringify(orgs));
  cwatch.assertNone('adopting');

  // --- The report follows seed 001 and carries every part. ---
  const pdf = pdfText(await download(chief, url, `${review}/report.pdf`)).text;
  const at = (what) => {
    const i = pdf.lastIndexOf(what);
    assert.ok(i >= 0, `the PDF lacks ${what}`);
    return i;
  };
  for (const part of ['Styrdokument', 'Riktlinje för', 'Checklistan: läget', 'Uppföljning av förra året', 'Dataskyddsombudets årsrapport', 'Utveckling: prioriteringar och beslut']) at(part);
  assert.ok(at('Checklistan: läget') < at(FOLLOW_UP) && at(FOLLOW_UP) < at(DPO) && at(DPO) < at(PRIORITY), 'seed 001 order');
  const docx = docxText(await download(chief, url, `${review}/report.docx`)).text;
  assert.ok(pdf.includes('dso-arsrapport-2027.pdf'), 'the report names the attached file');
  for (const part of [FOLLOW_UP, DPO, PRIORITY, 'Prioriterade områden för 2028', 'Lokal anvisning för informationssäkerhet i socialförvaltningen', 'dso-arsrapport-2027.pdf']) {
    assert.ok(docx.includes(part), `the DOCX lacks ${part}`);
  }

  // --- The kommun's CISO sees it in the roll-up of the kommun's 2027 review. ---
  const ciso = await userPage(t, browser, url, CISO);
  const kommun = await startReview(ciso, url, KOMMUN, YEAR);
  const row = ciso.locator('#s-rollup tbody tr', { has: ciso.getByRole('rowheader', { name: SOCIAL, exact: true }) });
  assert.match(await row.innerText(), /Fastställd/);
  assert.match(await ciso.locator('#s-rollup').innerText(), new RegExp(PRIORITY));
  await checkA11y(ciso, 'kommun review with the roll-up');
  const kpdf = pdfText(await download(ciso, url, `${kommun}/report.pdf`)).text;
  assert.ok(kpdf.includes('Genomgångar i förvaltningar och bolag') && kpdf.includes(PRIORITY));
  // In English too.
  await setLanguage(ciso, url, 'en');
  await ciso.goto(url + kommun);
  assert.match(await ciso.locator('#s-rollup h2').innerText(), /Reviews in administrations and companies/);
  await checkA11y(ciso, 'roll-up (en)');
});

test('steering documents: added with an error first, a version with its file, implementation recorded', { timeout: LONG_TIMEOUT_MS }, async (t) => {
  const { url, browser } = await startLisa(t, 'steering-journey');
  const page = await userPage(t, browser, url, CISO);
  const watch = watchProblems(page);
  await page.goto(`${url}/steering`);
  const form = page.locator('main form[action="/steering"]');
  await form.getByLabel('Beslutat av organisation').selectOption({ label: KOMMUN });
  await form.getByLabel('Namn').fill('Rutin för säkerhetskopiering');
  await form.getByLabel('Typ').selectOption({ label: 'Rutin' });
  await form.getByLabel('Status').selectOption({ label: 'Beslutat' });
  await form.getByLabel('Ägare').fill('IT-chefen');
  let res = await clickAndWait(page, form.getByRole('button', { name: 'Lägg till styrdokument' }));
  assert.equal(res.status(), 422, 'a decided document needs its decision');
  assert.match(await page.locator('#error-summary').innerText(), /beslutsdatum/);
  await checkA11y(page, 'steering document with an error');
  const again = page.locator('main form[action="/steering"]');
  assert.equal(await again.getByLabel('Namn').inputValue(), 'Rutin för säkerhetskopiering', 'what was typed is kept');
  await again.getByLabel('Beslutat av', { exact: true }).fill('IT-chefen');
  await again.getByLabel('Beslutsdatum').fill('2026-03-01');
  await again.getByLabel(/Ses över var/).fill('12');
  res = await clickAndWait(page, again.getByRole('button', { name: 'Lägg till styrdokument' }));
  assert.equal(res.status(), 200);
  assert.match(pathOf(page), DOC_RE);
  const doc = pathOf(page);
  assert.match(await page.locator('dl.facts').innerText(), /2027-03-01/, 'the next review follows from the decision');
  // A version with its file.
  const upload = page.locator('form[action$="/versions"]');
  await upload.getByLabel('Version', { exact: true }).fill('1.0');
  await upload.getByLabel('Fil').setInputFiles({ name: 'rutin.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 rutin') });
  res = await clickAndWait(page, upload.getByRole('button', { name: 'Lägg till version' }));
  assert.equal(res.status(), 200);
  const file = await page.getByRole('link', { name: 'rutin.pdf' }).getAttribute('href');
  assert.equal((await download(page, url, file)).toString(), '%PDF-1.4 rutin');
  await checkA11y(page, 'steering document with a version');
  watch.assertNone('steering journey');

  // The förvaltning's coordinator records its implementation of the kommun's guideline.
  const cp = await userPage(t, browser, url, COORDINATOR);
  await cp.goto(`${url}/steering`);
  assert.equal(await cp.getByRole('link', { name: 'Rutin för säkerhetskopiering' }).count(), 1, 'the kommun routine applies');
  await clickAndWait(cp, cp.getByRole('link', { name: 'Riktlinje för informationssäkerhet', exact: true }));
  const rows = cp.locator('#implementation tbody tr');
  assert.deepEqual(await rows.locator('th').allInnerTexts(), [SOCIAL], 'only its own organisation');
  await rows.first().locator('select[name=status]').selectOption({ label: 'Pågår' });
  await rows.first().locator('input[name=note]').fill('Ny genomgång med cheferna i januari.');
  res = await clickAndWait(cp, rows.first().getByRole('button', { name: /Spara/ }));
  assert.equal(res.status(), 200);
  assert.equal(await cp.locator('#implementation input[name=note]').inputValue(), 'Ny genomgång med cheferna i januari.');
  await checkA11y(cp, 'implementation as coordinator');
  assert.equal(await cp.getByRole('heading', { name: 'Ändra styrdokumentet' }).count(), 0, "the kommun's document is not the coordinator's to change");
  // The year wheel shows the routine's review.
  await page.goto(`${url}/yearwheel?year=2027`);
  assert.match(await page.locator('ol.months').innerText(), /Rutin för säkerhetskopiering/);
  assert.ok(doc);
});
