// The rest of the self-assessment journey in the browser: the CISO hands an
// area to a coordinator, the coordinator proposes answers, the CISO accepts
// one and rejects one; evidence is attached and downloaded; the result is
// downloaded as PDF and Excel; an administrator sees the models page. Every
// page is checked with axe under Lisa's own CSP.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  TEST_TIMEOUT_MS,
  checkA11y,
  clickAndWait,
  login,
  logout,
  newContext,
  screenshot,
  startLisa,
  watchProblems,
} from './helpers.mjs';

const CISO = 'ciso@exempla.se';
const COORDINATOR = 'samordnare@exempla.se';

async function kommunDraft(page, url) {
  await page.goto(`${url}/assessments`);
  const row = page
    .locator('main table tbody tr')
    .filter({ has: page.locator('td:first-child', { hasText: /^Exempla kommun$/ }) })
    .filter({ has: page.getByRole('link', { name: /^2026/ }) });
  assert.equal(await row.count(), 1);
  return row.getByRole('link', { name: /^2026/ }).getAttribute('href');
}

test('delegate, propose, accept and reject; evidence; PDF and Excel; models page', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { url, browser } = await startLisa(t, 'delegation');
  const ciso = await newContext(browser, { acceptDownloads: true });
  t.after(() => ciso.close());
  const page = await ciso.newPage();
  const watch = watchProblems(page);
  await login(page, url, CISO);
  const draft = await kommunDraft(page, url);

  // The CISO hands "Incidenthantering" to Erik Lind (coordinator, Socialförvaltningen).
  await page.goto(url + draft);
  await checkA11y(page, 'overview-with-delegation');
  const select = page.getByLabel('Besvaras av: Incidenthantering');
  await select.selectOption({ label: 'Erik Lind – Socialförvaltningen' });
  await clickAndWait(page, page.getByRole('button', { name: 'Spara fördelningen' }));
  await screenshot(page, 'delegation-saved');
  assert.match(page.url(), /done=delegated/, `after saving: ${page.url()}`);
  watch.assertNone('delegation');
  await logout(page);

  // The coordinator sees the area and proposes answers.
  const coord = await newContext(browser);
  t.after(() => coord.close());
  const cpage = await coord.newPage();
  const cwatch = watchProblems(cpage);
  await login(cpage, url, COORDINATOR);
  await cpage.goto(url + draft);
  await checkA11y(cpage, 'overview-delegated');
  assert.equal(await cpage.locator('main table a[href$="/areas/incidenter"]').count(), 1);
  assert.equal(await cpage.locator('main table a[href$="/areas/ledning"]').count(), 0, 'only the delegated area');
  await cpage.goto(`${url}${draft}/areas/incidenter`);
  assert.match(await cpage.locator('main').innerText(), /Dina svar sparas som förslag/);
  await checkA11y(cpage, 'area-proposing');
  await cpage.locator('#f-q-incidenter-1').getByRole('radio', { name: 'Ja', exact: true }).check();
  await cpage.locator('#f-c-incidenter-1').fill('Rutinen är beslutad och finns på intranätet.');
  await cpage.locator('#f-q-incidenter-2').getByRole('radio', { name: 'Delvis', exact: true }).check();
  await clickAndWait(cpage, cpage.getByRole('button', { name: 'Spara och gå till översikten' }));
  cwatch.assertNone('proposing');
  await logout(cpage);

  // The CISO sees the proposals, accepts one and rejects one.
  await login(page, url, CISO);
  await page.goto(`${url}${draft}/areas/incidenter`);
  await checkA11y(page, 'area-with-proposals');
  await screenshot(page, 'delegation-proposals');
  const first = page.locator('#f-q-incidenter-1 .proposal');
  assert.match(await first.innerText(), /samordnare@exempla\.se.*Ja.*Rutinen är beslutad/s);
  const accepted = await clickAndWait(page, first.getByRole('button', { name: 'Godta förslaget' }));
  assert.equal(accepted.status(), 200, `accept answered ${accepted.status()} at ${page.url()}: ${(await page.locator('main').innerText()).slice(0, 300)}`);
  await clickAndWait(page, page.locator('#f-q-incidenter-2 .proposal').getByRole('button', { name: 'Avvisa förslaget' }));
  assert.equal(await page.locator('.proposal').count(), 0, 'no proposals left');
  assert.equal(await page.locator('#f-q-incidenter-1').getByRole('radio', { name: 'Ja', exact: true }).isChecked(), true);
  assert.equal(await page.locator('#f-c-incidenter-1').inputValue(), 'Rutinen är beslutad och finns på intranätet.');

  watch.assertNone('ciso pages');

  // Evidence: attach a file to a question and download it again.
  await page.goto(`${url}${draft}/areas/ledning`);
  await page.locator('#f-q-ledning-1').getByRole('link', { name: /Bifoga underlag|Bifogade underlag/ }).click();
  await page.waitForLoadState('load');
  await checkA11y(page, 'evidence');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lisa-e2e-'));
  const file = path.join(tmp, 'policy.txt');
  fs.writeFileSync(file, 'Informationssäkerhetspolicy, beslutad 2026-03-10');
  await page.locator('#f-file').setInputFiles(file);
  await clickAndWait(page, page.getByRole('button', { name: 'Bifoga', exact: true }));
  await checkA11y(page, 'evidence-with-file');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'policy.txt' }).click()]);
  assert.equal(fs.readFileSync(await download.path(), 'utf8'), 'Informationssäkerhetspolicy, beslutad 2026-03-10');

  // The result as PDF and Excel.
  await page.goto(`${url}${draft}/result`);
  const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /som PDF/ }).click()]);
  assert.ok(fs.readFileSync(await pdf.path()).subarray(0, 4).equals(Buffer.from('%PDF')), 'a PDF');
  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /som Excel/ }).click()]);
  assert.ok(fs.readFileSync(await xlsx.path()).subarray(0, 2).equals(Buffer.from('PK')), 'an xlsx (zip) file');
  await logout(page);

  // An administrator's models page.
  await login(page, url, 'admin@exempla.se');
  await page.goto(`${url}/models`);
  assert.match(await page.locator('main').innerText(), /Lisas grundmodell/);
  await checkA11y(page, 'models');
  await screenshot(page, 'models');
  fs.rmSync(tmp, { recursive: true, force: true });
});
