// The incident and training registers in the browser (issue 16): the CISO
// registers a personal-data breach, watches its clock to IMY run, records
// the notification and closes the incident; imports training rows from the
// learning platform with an error first (nothing stored), then right; and
// sees both registers in the management review. Every page axe-clean in
// Swedish and English.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  clickAndWait,
  optionValueByLabel,
  pageChecker,
  pathOf,
  screenshot,
  setLanguage,
  startLisa,
  userPage,
} from './helpers.mjs';

const CISO = 'ciso@exempla.se';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const INCIDENT_RE = new RegExp(`^/incidents/${UUID}$`);
const TITLE = 'Elevlista skickad till fel mottagare';
const LONG_TIMEOUT_MS = 240_000;

/** A Swedish wall-clock time `hours` ago as a datetime-local value. */
function swedishLocal(hoursAgo) {
  const t = new Date(Date.now() - hoursAgo * 3600_000);
  const parts = new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Europe/Stockholm',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(t);
  const v = (type) => parts.find((p) => p.type === type).value;
  return `${v('year')}-${v('month')}-${v('day')}T${v('hour')}:${v('minute')}`;
}

/** Chooses Socialförvaltningen (its option's label may be indented by depth). */
async function selectOrg(select) {
  await select.selectOption(await optionValueByLabel(select, 'Socialförvaltningen'));
}

test('journey: an incident with personal data is registered, notified in time and closed; training is imported; both reach the review', { timeout: LONG_TIMEOUT_MS }, async (t) => {
  const { url, browser } = await startLisa(t, 'registers-journey');
  const page = await userPage(t, browser, url, CISO);
  const sv = pageChecker(page, url, 'sv');

  // --- Register the incident; a discovery in the future is refused first. ---
  await page.goto(`${url}/incidents`);
  await sv.check('incident register');
  await clickAndWait(page, page.getByRole('link', { name: 'Registrera en incident' }));
  await sv.check('register an incident');
  const form = page.locator('main form[action="/incidents"]');
  await selectOrg(form.getByLabel('Organisation'));
  await form.getByLabel('Rubrik').fill(TITLE);
  await form.getByLabel('När upptäcktes det?').fill(swedishLocal(-48));
  await form.getByLabel('Kategori').selectOption('information_loss');
  await form.getByLabel('Konfidentialitet').check();
  await form.getByLabel(/Ja, en personuppgiftsincident/).check();
  await clickAndWait(page, form.getByRole('button', { name: 'Registrera incidenten' }));
  assert.equal(pathOf(page), '/incidents', 'the form is shown again');
  assert.match(await page.locator('main').innerText(), /framtiden/, 'a discovery in the future is refused in Swedish');
  await sv.check('register an incident with an error');
  await page.locator('main form[action="/incidents"]').getByLabel('När upptäcktes det?').fill(swedishLocal(5));
  await clickAndWait(page, page.locator('main form[action="/incidents"]').getByRole('button', { name: 'Registrera incidenten' }));
  assert.match(pathOf(page), INCIDENT_RE, 'registered: the incident\'s page');
  const incident = pathOf(page);

  // --- Its clock to IMY runs: 72 hours from discovery, about 67 left. ---
  const gdpr = page.locator('#step-gdpr_notify');
  assert.equal(await gdpr.count(), 1, 'the GDPR notification is a duty');
  const clock = await gdpr.innerText();
  assert.match(clock, /Pågår/, `the clock runs: ${clock}`);
  assert.match(clock, /6[67] h/, `about 67 hours left: ${clock}`);
  assert.match(clock, /IMY/);
  await sv.check('incident with a running clock', { shot: 'incident-running' });

  // --- The notification is recorded: met. ---
  await gdpr.locator('summary').click();
  const report = gdpr.locator('form');
  await report.getByLabel('När rapporterades det?').fill(swedishLocal(1));
  await report.getByLabel('Ärendenummer eller referens').fill('IMY-2026-9001');
  await clickAndWait(page, report.getByRole('button', { name: 'Spara rapporteringen' }));
  assert.equal(pathOf(page), incident);
  assert.match(await page.locator('#step-gdpr_notify').innerText(), /Rapporterad i tid/);

  // --- A timeline entry, then closed. ---
  const entry = page.locator('form[action$="/entries"]');
  await entry.locator('textarea').fill('Mottagaren har bekräftat att listan är raderad.');
  await clickAndWait(page, entry.getByRole('button'));
  assert.match(await page.locator('#timeline').innerText(), /bekräftat att listan är raderad/);
  const status = page.locator('form[action$="/status"]');
  await status.getByLabel('Ny status').selectOption('closed');
  await clickAndWait(page, status.getByRole('button', { name: 'Spara status' }));
  assert.match(await page.locator('#details').innerText(), /Stängd/);
  await sv.check('closed incident');

  // --- The compilation counts it. ---
  await page.goto(`${url}/incidents/compilation`);
  await sv.check('incident compilation', { shot: 'incident-compilation' });
  assert.match(await page.locator('main').innerText(), /Rapporterad i tid/);

  // --- Training rows from the learning platform: an error first, nothing stored. ---
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lisa-training-'));
  const bad = path.join(dir, 'export-fel.csv');
  fs.writeFileSync(bad, 'Person;Kurs;Datum\nanna.a;Informationssäkerhet för alla medarbetare;2026-05-02\nbo.b;Ingen sådan kurs;2026-05-03\ncarl.c;Informationssäkerhet för alla medarbetare;2026-13-40\n');
  await page.goto(`${url}/training/import`);
  await sv.check('training import');
  const upload = page.locator('main form[action="/training/import"]');
  await selectOrg(upload.getByLabel('Organisation'));
  await upload.getByLabel('Fil').setInputFiles(bad);
  await clickAndWait(page, upload.getByRole('button', { name: 'Importera' }));
  const refused = page.locator('#error-summary');
  assert.match(await refused.innerText(), /Filen importerades inte/);
  const rows = await refused.locator('tbody tr').allInnerTexts();
  assert.equal(rows.length, 2, `two wrong rows named: ${rows}`);
  assert.match(rows[0], /^3\b/, `row 3 (the unknown course): ${rows[0]}`);
  assert.match(rows[1], /^4\b/, `row 4 (the impossible date): ${rows[1]}`);
  await sv.check('training import refused', { shot: 'training-import-refused' });

  const good = path.join(dir, 'export.csv');
  fs.writeFileSync(good, 'Person;Kurs;Datum\nanna.a;Informationssäkerhet för alla medarbetare;2026-05-02\nbo.b;Informationssäkerhet för alla medarbetare;2026-05-03\n');
  const again = page.locator('main form[action="/training/import"]');
  await selectOrg(again.getByLabel('Organisation'));
  await again.getByLabel('Fil').setInputFiles(good);
  await clickAndWait(page, again.getByRole('button', { name: 'Importera' }));
  assert.match(await page.locator('main [role=status]').innerText(), /Raderna har sparats: 2/);
  fs.rmSync(dir, { recursive: true, force: true });

  await page.goto(`${url}/training`);
  await sv.check('training overview', { shot: 'training' });
  assert.match(await page.locator('main').innerText(), /Informationssäkerhet för alla medarbetare/);

  // --- The kommun's review reads both registers. ---
  await page.goto(`${url}/reviews`);
  const year = String(new Date().getFullYear());
  const row = page
    .locator('main table tbody tr')
    .filter({ has: page.locator('td:first-child', { hasText: /^Exempla kommun$/ }) })
    .filter({ has: page.getByRole('link', { name: year, exact: true }) });
  assert.equal(await row.count(), 1, `one review row for Exempla kommun ${year}`);
  await clickAndWait(page, row.getByRole('link', { name: year, exact: true }));
  const review = pathOf(page);
  const incidents = page.locator('section#s-incidents');
  assert.equal(await incidents.count(), 1, 'the review has an incident section');
  assert.match(await incidents.innerText(), new RegExp(TITLE), 'the notable personal-data breach is listed');
  const training = page.locator('section#s-training');
  assert.match(await training.innerText(), /Informationssäkerhet för alla medarbetare/);
  assert.match(await page.locator('main').innerText(), /enligt registren/i, 'computed statuses beside the reported ones');
  await sv.check('review with the registers', { shot: 'review-registers' });

  // --- In English too. ---
  await setLanguage(page, url, 'en');
  const en = pageChecker(page, url, 'en');
  for (const [p, label] of [
    ['/incidents', 'incident register (en)'],
    ['/incidents/new', 'register an incident (en)'],
    [incident, 'incident (en)'],
    ['/incidents/compilation', 'incident compilation (en)'],
    ['/training', 'training overview (en)'],
    ['/training/import', 'training import (en)'],
    [review, 'review (en)'],
  ]) {
    await page.goto(url + p);
    await en.check(label);
  }
  assert.match(await page.locator('section#s-incidents').innerText(), /Incidents|incidents/);
  await screenshot(page, 'review-registers-en');
  await setLanguage(page, url, 'sv');
});
