// The asset, risk and processing registers in the browser (issue 17): the
// CISO imports an asset list with an error first (nothing stored), then
// right; classifies an imported asset and puts its protection requirements
// into the action plan; analyses a risk on it that becomes an action; and
// sees the coverage move in the hub and in the management review. Every
// page axe-clean in Swedish and English.

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
const ASSET_RE = new RegExp(`^/registers/assets/${UUID}$`);
const RISK_RE = new RegExp(`^/registers/risks/${UUID}$`);
const ASSET = 'Kontaktuppgifter till anhöriga';
const SCENARIO = 'Anhörigas uppgifter lämnas ut till fel person';
const LONG_TIMEOUT_MS = 240_000;

/** Today and a year on as yyyy-mm-dd. */
function isoDay(offsetDays = 0) {
  const t = new Date(Date.now() + offsetDays * 86_400_000);
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(t);
}

/** The classification line of the coverage ("12 av 30 …") in a text. */
function classifiedOf(text) {
  const m = text.match(/(\d+) av (\d+) informationstillgångar är klassade och aktuella/);
  assert.ok(m, `a classification figure in: ${text.slice(0, 400)}`);
  return [Number(m[1]), Number(m[2])];
}

test('journey: an asset list is imported with an error first, an asset classified, a risk analysed into the plan, and coverage moves in the review', { timeout: LONG_TIMEOUT_MS }, async (t) => {
  const { url, browser } = await startLisa(t, 'assets-journey');
  const page = await userPage(t, browser, url, CISO);
  const sv = pageChecker(page, url, 'sv');

  // --- The hub: the registers and their coverage for Socialförvaltningen. ---
  await page.goto(`${url}/registers`);
  await sv.check('registers hub');
  const chooser = page.locator('main form select').first();
  const social = await optionValueByLabel(chooser, 'Socialförvaltningen');
  await page.goto(`${url}/registers?org=${social}`);
  const [currentBefore, totalBefore] = classifiedOf(await page.locator('main').innerText());
  await sv.check('registers hub of a förvaltning', { shot: 'registers-hub' });

  // --- Import an asset list: a row with an unknown unit is refused, nothing stored. ---
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lisa-assets-'));
  const bad = path.join(dir, 'tillgangar-fel.csv');
  fs.writeFileSync(bad, `Namn;Beskrivning;Informationsägare;Enhet\n${ASSET};Namn och telefon;Socialchef;Äldreomsorgen\nGenomförandeplaner;;Socialchef;Ingen sådan enhet\n`);
  await page.goto(`${url}/registers/assets/import`);
  await sv.check('asset import');
  const upload = page.locator('main form[action="/registers/assets/import"]');
  await upload.getByLabel('Organisation').selectOption(social);
  await upload.getByLabel(/^Fil/).setInputFiles(bad);
  await clickAndWait(page, upload.getByRole('button', { name: 'Läs in' }));
  const refused = page.locator('#error-summary');
  assert.match(await refused.innerText(), /Filen lästes inte in/);
  const rows = await refused.locator('tbody tr').allInnerTexts();
  assert.equal(rows.length, 1, `one wrong row named: ${rows}`);
  assert.match(rows[0], /^3\b/, `row 3 (the unknown unit): ${rows[0]}`);
  await sv.check('asset import refused', { shot: 'assets-import-refused' });
  await page.goto(`${url}/registers/assets?org=${social}`);
  assert.doesNotMatch(await page.locator('main').innerText(), new RegExp(ASSET), 'nothing was stored');

  const good = path.join(dir, 'tillgangar.csv');
  fs.writeFileSync(good, `Namn;Beskrivning;Informationsägare;Enhet\n${ASSET};Namn och telefon;Socialchef;Äldreomsorgen\nGenomförandeplaner;;Socialchef;Individ- och familjeomsorgen\n`);
  await page.goto(`${url}/registers/assets/import`);
  const again = page.locator('main form[action="/registers/assets/import"]');
  await again.getByLabel('Organisation').selectOption(social);
  await again.getByLabel(/^Fil/).setInputFiles(good);
  await clickAndWait(page, again.getByRole('button', { name: 'Läs in' }));
  assert.match(await page.locator('main [role=status]').innerText(), /Inlästa rader: 2/);
  fs.rmSync(dir, { recursive: true, force: true });

  // --- The list shows it unclassified; classify it on its page. ---
  await page.goto(`${url}/registers/assets?org=${social}`);
  await sv.check('asset register', { shot: 'assets' });
  await clickAndWait(page, page.locator('main').getByRole('link', { name: ASSET, exact: true }));
  assert.match(pathOf(page), ASSET_RE, 'the asset\'s page');
  const asset = pathOf(page);
  const assetId = asset.split('/').pop();
  await sv.check('asset unclassified');
  const classify = page.locator(`main form[action="${asset}/classification"]`);
  await classify.getByLabel('Konfidentialitet').selectOption('3');
  await classify.getByLabel('Riktighet').selectOption('2');
  await classify.getByLabel('Tillgänglighet').selectOption('2');
  await classify.getByLabel('Motivering').fill('Uppgifter om enskilda i socialtjänsten, sekretess enligt OSL 26 kap.');
  await classify.getByLabel('Klassad den').fill(isoDay());
  await classify.getByLabel('Klassad av').fill('Socialchef');
  await classify.getByLabel('Nästa översyn').fill(isoDay(365));
  await clickAndWait(page, classify.getByRole('button', { name: 'Spara klassningen' }));
  assert.equal(pathOf(page), asset);
  assert.match(await page.locator('main').innerText(), /K3/, 'the new level is shown');
  await sv.check('asset classified', { shot: 'asset-classified' });

  // --- Its protection requirements become actions in the plan. ---
  await clickAndWait(page, page.getByRole('button', { name: 'Lägg in skyddskraven som åtgärder i handlingsplanen' }));
  assert.equal(pathOf(page), asset);
  const requirements = await page.locator('main').innerText();
  assert.match(requirements, new RegExp(`${ASSET}: Kryptera informationen där den lagras`), 'the actions are listed');

  // --- A risk on the asset, untreated and high, becomes an action. ---
  await page.goto(`${url}/registers/risks/new?org=${social}&asset=${assetId}`);
  await sv.check('new risk');
  const risk = page.locator('main form[action="/registers/risks"]');
  await risk.getByLabel('Vad kan hända?').fill(SCENARIO);
  await risk.getByLabel('Sannolikhet', { exact: true }).selectOption('3');
  await risk.getByLabel('Konsekvens', { exact: true }).selectOption('4');
  await risk.getByLabel('Riskägare').fill('Socialchef');
  await clickAndWait(page, risk.getByRole('button', { name: 'Spara risken' }));
  assert.match(pathOf(page), RISK_RE, 'the risk\'s page');
  const riskPage = pathOf(page);
  assert.match(await page.locator('main').innerText(), new RegExp(ASSET), 'the risk names its asset');
  await sv.check('risk', { shot: 'risk' });
  await clickAndWait(page, page.getByRole('button', { name: 'Gör en åtgärd i handlingsplanen' }));
  assert.match(pathOf(page), new RegExp(`^/plan/${UUID}$`), 'the new action in the plan');
  await sv.check('action from a risk');
  await page.goto(url + riskPage);
  assert.doesNotMatch(await page.locator('main').innerText(), /Inga åtgärder har gjorts av risken ännu/);
  await page.goto(`${url}/registers/risks?org=${social}`);
  assert.match(await page.locator('main').innerText(), new RegExp(SCENARIO));
  await sv.check('risk register with heat map', { shot: 'risks' });

  // --- The other registers. ---
  for (const [p, label] of [
    [`/registers/systems?org=${social}`, 'system register'],
    [`/registers/processings?org=${social}`, 'processing register'],
    [`/registers/agreements?org=${social}`, 'agreements'],
  ]) {
    await page.goto(url + p);
    await sv.check(label);
  }
  assert.match(await page.locator('main').innerText(), /Trygghetslarm/, 'the safety alarms lack an agreement');

  // --- Coverage moved: one more asset classified of two more. ---
  await page.goto(`${url}/registers?org=${social}`);
  const [currentAfter, totalAfter] = classifiedOf(await page.locator('main').innerText());
  assert.equal(totalAfter, totalBefore + 2, 'two assets more');
  assert.equal(currentAfter, currentBefore + 1, 'one more classified and current');
  // The trend's last row is this year, counted today, with the same share.
  const trendRows = page.locator('table#coverage-trend tbody tr');
  assert.ok(await trendRows.count() >= 1, 'the hub shows coverage over time');
  const lastRow = trendRows.last();
  assert.equal((await lastRow.locator('th').innerText()).trim(), String(new Date().getFullYear()));
  assert.equal(
    (await lastRow.locator('td.num').first().innerText()).trim().replace(/\s*\(.*$/, ''),
    `${currentAfter} / ${totalAfter}`,
    'the trend ends on today\'s share',
  );
  await sv.check('registers hub with the trend', { shot: 'registers-trend' });

  // --- The kommun's review reads the registers. ---
  await page.goto(`${url}/reviews`);
  const year = String(new Date().getFullYear());
  const row = page
    .locator('main table tbody tr')
    .filter({ has: page.locator('td:first-child', { hasText: /^Exempla kommun$/ }) })
    .filter({ has: page.getByRole('link', { name: year, exact: true }) });
  assert.equal(await row.count(), 1, `one review row for Exempla kommun ${year}`);
  await clickAndWait(page, row.getByRole('link', { name: year, exact: true }));
  const review = pathOf(page);
  const section = page.locator('section#s-assets');
  assert.equal(await section.count(), 1, 'the review has a section for the asset registers');
  const text = await section.innerText();
  assert.match(text, new RegExp(SCENARIO), 'the untreated high risk is listed');
  assert.match(text, /Informationstillgångar som är klassade och aktuella\s+\d+ av \d+ \(\d+ %\)/, 'the share classified');
  await sv.check('review with the asset registers', { shot: 'review-assets' });

  // --- In English too. ---
  await setLanguage(page, url, 'en');
  const en = pageChecker(page, url, 'en');
  for (const [p, label] of [
    [`/registers?org=${social}`, 'registers hub (en)'],
    [`/registers/assets?org=${social}`, 'asset register (en)'],
    ['/registers/assets/import', 'asset import (en)'],
    [asset, 'asset (en)'],
    [`/registers/systems?org=${social}`, 'system register (en)'],
    [`/registers/risks?org=${social}`, 'risk register (en)'],
    [riskPage, 'risk (en)'],
    [`/registers/risks/new?org=${social}`, 'new risk (en)'],
    [`/registers/processings?org=${social}`, 'processing register (en)'],
    [`/registers/agreements?org=${social}`, 'agreements (en)'],
    [review, 'review (en)'],
  ]) {
    await page.goto(url + p);
    await en.check(label);
  }
  await screenshot(page, 'review-assets-en');
  await setLanguage(page, url, 'sv');
});
