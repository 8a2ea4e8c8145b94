// Audits (granskning, seed 004) in the browser: the auditor enters an audit
// with a question, its assessment, a finding and a recommendation to three
// audited bodies; each body answers; one planned measure becomes an action
// in the plan; the auditor closes one recommendation with a motivation; the
// follow-up report downloads and carries what the pages show. Every page
// axe-clean in Swedish and English.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkA11y,
  clickAndWait,
  docxText,
  pageChecker,
  pathOf,
  pdfText,
  screenshot,
  setLanguage,
  startLisa,
  userPage,
  watchProblems,
} from './helpers.mjs';

const AUDITOR = 'revisor@exempla.se';
const CISO = 'ciso@exempla.se';
const MANAGEMENT = 'ledning@exempla.se';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const AUDIT_RE = new RegExp(`^/audits/${UUID}$`);
const TITLE = 'Granskning av behörighetsstyrning 2027';
const QUESTION = 'Har nämnderna och bolagen rutiner för behörighetsstyrning?';
const MOTIVATION = 'Rutiner finns i två av tre granskade organisationer.';
const RECOMMENDATION = 'Inför en årlig genomgång av behörigheter i verksamhetssystemen.';
const BODIES = ['Socialnämnden', 'Exempla Energi AB', 'Exempla Bostäder AB'];
const LONG_TIMEOUT_MS = 240_000;

/** The copy's page of BODY, linked from the recommendation's table. */
async function copyPath(page, url, audit, body) {
  await page.goto(url + audit);
  const link = page.locator('#recommendations table').getByRole('link', { name: body, exact: true });
  assert.equal(await link.count(), 1, `one copy for ${body}`);
  return link.getAttribute('href');
}

async function answer(page, url, path, { stance, measures, responsible, due, decidedBy }) {
  await page.goto(url + path);
  const form = page.locator('form[action$="/answer"]');
  await form.getByLabel('Ställningstagande').selectOption({ label: stance });
  await form.getByLabel(/Planerade åtgärder/).fill(measures);
  if (responsible) await form.getByLabel('Ansvarig').fill(responsible);
  if (due) await form.getByLabel('Klart senast').fill(due);
  await form.getByLabel('Beslutat av').fill(decidedBy);
  await form.getByLabel('Beslutsdatum').fill('2027-05-10');
  return clickAndWait(page, form.getByRole('button', { name: 'Spara yttrandet' }));
}

test('journey: an audit is entered, answered, made into an action, followed up and reported', { timeout: LONG_TIMEOUT_MS }, async (t) => {
  const { url, browser } = await startLisa(t, 'audits-journey');

  // --- The auditor enters the audit. ---
  const ap = await userPage(t, browser, url, AUDITOR);
  const watch = watchProblems(ap);
  await ap.goto(`${url}/audits`);
  const form = ap.locator('main form[action="/audits"]');
  await form.getByLabel('Rubrik').fill(TITLE);
  await form.getByLabel('Typ av granskning').selectOption({ label: 'Förtroendevalda revisorer' });
  await form.getByLabel('Granskare (organisation)').fill('Revisionsbyrån Exempel AB');
  await form.getByLabel('Granskningen startade').fill('2027-03-01');
  await form.getByLabel('Rapporten lämnades').fill('2027-04-15');
  await form.getByLabel('Yttranden ska vara inne').fill('2027-06-15');
  // Without an audited body the form comes back with the message.
  let res = await clickAndWait(ap, form.getByRole('button', { name: 'Lägg till en granskning' }));
  assert.equal(res.status(), 422);
  assert.match(await ap.locator('main').innerText(), /Välj minst en granskad organisation/);
  await checkA11y(ap, 'new audit with an error');
  const again = ap.locator('main form[action="/audits"]');
  assert.equal(await again.getByLabel('Rubrik').inputValue(), TITLE, 'what was typed stays');
  for (const b of BODIES) await again.getByLabel(new RegExp(`(– )*${b}$`)).check();
  res = await clickAndWait(ap, again.getByRole('button', { name: 'Lägg till en granskning' }));
  assert.equal(res.status(), 200);
  assert.match(pathOf(ap), AUDIT_RE);
  const audit = pathOf(ap);

  // A question with its assessment: not fulfilled needs a motivation.
  const qform = ap.locator(`form[action="${audit}/questions"]`);
  await qform.getByLabel('Revisionsfråga').fill(QUESTION);
  await qform.getByLabel('Bedömning').selectOption({ label: 'Delvis uppfyllt' });
  res = await clickAndWait(ap, qform.getByRole('button', { name: 'Lägg till revisionsfrågan' }));
  assert.equal(res.status(), 422);
  assert.match(await ap.locator('main').innerText(), /Skriv en motivering/);
  const qform2 = ap.locator(`form[action="${audit}/questions"]`);
  await qform2.getByLabel('Motivering').fill(MOTIVATION);
  res = await clickAndWait(ap, qform2.getByRole('button', { name: 'Lägg till revisionsfrågan' }));
  assert.equal(res.status(), 200);
  const fform = ap.locator(`form[action="${audit}/findings"]`);
  await fform.getByLabel('Område').fill('Behörigheter');
  await fform.getByLabel('Iakttagelse').fill('Behörigheter tas inte bort när anställda slutar.');
  res = await clickAndWait(ap, fform.getByRole('button', { name: 'Lägg till iakttagelsen' }));
  assert.equal(res.status(), 200);
  const rform = ap.locator(`form[action="${audit}/recommendations"]`);
  await rform.getByLabel('Rekommendation').fill(RECOMMENDATION);
  for (const b of BODIES) await rform.getByLabel(b, { exact: true }).check();
  res = await clickAndWait(ap, rform.getByRole('button', { name: 'Lägg till rekommendationen' }));
  assert.equal(res.status(), 200);
  const rows = ap.locator('#recommendations table tbody tr');
  assert.equal(await rows.count(), 3, 'one copy per body');
  watch.assertNone('entering the audit');
  await screenshot(ap, 'audit-entered');

  // --- Each body answers: the kommun's management for the nämnd, the CISO for the bolag. ---
  const mp = await userPage(t, browser, url, MANAGEMENT);
  const nämnd = await copyPath(mp, url, audit, 'Socialnämnden');
  res = await answer(mp, url, nämnd, { stance: 'Instämmer', measures: 'En rutin för behörighetsgenomgång tas fram.', responsible: 'Socialchefen', due: '2027-12-31', decidedBy: 'Socialnämnden' });
  assert.equal(res.status(), 200);
  const cp = await userPage(t, browser, url, CISO);
  const energi = await copyPath(cp, url, audit, 'Exempla Energi AB');
  res = await answer(cp, url, energi, { stance: 'Instämmer delvis', measures: 'Behörigheter gås igenom två gånger om året.', responsible: 'IT-chefen', due: '2027-10-31', decidedBy: 'Styrelsen' });
  assert.equal(res.status(), 200);
  assert.match(await cp.locator('main').innerText(), /Åtgärd planerad/);
  await checkA11y(cp, 'answered copy');
  const bostader = await copyPath(cp, url, audit, 'Exempla Bostäder AB');
  res = await answer(cp, url, bostader, { stance: 'Instämmer', measures: 'Genomgången görs redan varje kvartal.', responsible: 'VD', due: '2027-07-01', decidedBy: 'Styrelsen' });
  assert.equal(res.status(), 200);

  // --- One planned measure becomes an action, linked both ways. ---
  await cp.goto(url + energi);
  res = await clickAndWait(cp, cp.getByRole('button', { name: 'Gör åtgärden till en åtgärd i handlingsplanen' }));
  assert.equal(res.status(), 200);
  assert.match(pathOf(cp), new RegExp(`^/plan/${UUID}$`));
  assert.match(await cp.locator('main').innerText(), /Behörigheter gås igenom två gånger om året/);
  await cp.goto(url + energi);
  assert.equal(await cp.locator('#actions').getByRole('link', { name: /Behörigheter gås igenom/ }).count(), 1);
  assert.equal(await cp.getByRole('button', { name: /Gör åtgärden/ }).count(), 0, 'one action per copy');

  // --- The follow-up: the auditor closes Bostäder's recommendation with a motivation. ---
  await ap.goto(url + bostader);
  const sform = ap.locator('form[action$="/status"]');
  await sform.getByLabel('Nytt läge').selectOption({ label: 'Avslutad' });
  res = await clickAndWait(ap, sform.getByRole('button', { name: 'Spara uppföljningen' }));
  assert.equal(res.status(), 422);
  assert.match(await ap.locator('main').innerText(), /Skriv varför rekommendationen avslutas/);
  const sform2 = ap.locator('form[action$="/status"]');
  await sform2.getByLabel('Nytt läge').selectOption({ label: 'Avslutad' });
  await sform2.getByLabel(/Vad har hänt/).fill('Kvartalsvisa genomgångar är dokumenterade.');
  res = await clickAndWait(ap, sform2.getByRole('button', { name: 'Spara uppföljningen' }));
  assert.equal(res.status(), 200);
  const history = await ap.locator('#follow-up').innerText();
  assert.match(history, /Åtgärd planerad → Avslutad/);
  assert.match(history, /Kvartalsvisa genomgångar är dokumenterade/);
  await ap.goto(url + audit);
  const shown = await ap.locator('#recommendations').innerText();
  assert.match(shown, /Avslutad/);
  assert.match(shown, /Åtgärd planerad/);

  // --- The follow-up report carries what the pages show. ---
  const pdfRes = await ap.request.get(`${url}${audit}/follow-up.pdf`);
  assert.equal(pdfRes.status(), 200);
  const pdf = pdfText(await pdfRes.body()).text;
  for (const part of [TITLE, QUESTION, MOTIVATION, RECOMMENDATION, 'Delvis uppfyllt', 'Avslutad', 'Exempla Energi AB', 'Behörigheter gås igenom två gånger om året']) {
    assert.ok(pdf.includes(part), `the PDF lacks ${part}`);
  }
  const docxRes = await ap.request.get(`${url}${audit}/follow-up.docx`);
  assert.equal(docxRes.status(), 200);
  const docx = docxText(await docxRes.body()).text;
  for (const part of [TITLE, QUESTION, RECOMMENDATION, 'Avslutad']) assert.ok(docx.includes(part), `the DOCX lacks ${part}`);
  const xlsx = await ap.request.get(`${url}/audit-register.xlsx`);
  assert.equal(xlsx.status(), 200);
  assert.ok((await xlsx.body()).subarray(0, 2).equals(Buffer.from('PK')), 'an Excel (zip) file');
  watch.assertNone('following up');
});

test('pages: the audit register, an audit and a copy are accessible in Swedish and English', { timeout: LONG_TIMEOUT_MS }, async (t) => {
  const { url, browser } = await startLisa(t, 'audits-pages');
  const page = await userPage(t, browser, url, AUDITOR);
  await page.goto(`${url}/audits`);
  const first = page.locator('main table tbody tr a').first();
  const audit = await first.getAttribute('href');
  await page.goto(url + audit);
  const copy = await page.locator('#recommendations table tbody tr a').first().getAttribute('href');
  const pages = [
    ['/audits', 'audits-list'],
    [audit, 'audit'],
    [copy, 'audit-copy'],
  ];
  for (const lang of ['sv', 'en']) {
    if (lang === 'en') await setLanguage(page, url, 'en');
    const check = pageChecker(page, url, lang);
    for (const [path, shot] of pages) await check.visit(path, { shot: `${shot}-${lang}`, lang });
  }
  // The kommun's management, who answers for the audited bodies, reads the copy too.
  const mp = await userPage(t, browser, url, MANAGEMENT);
  const check = pageChecker(mp, url);
  await check.visit(copy, { label: 'copy as management' });
});
