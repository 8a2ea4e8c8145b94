// Works without JavaScript (d): Lisa is server-rendered HTML with plain
// forms; a browser with JavaScript turned off logs in, adds an organisation,
// sees it in the tree, and logs out; a CISO types comments in two sections of
// a review, saves one, and keeps both.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ORG_DETAIL_RE,
  TEST_TIMEOUT_MS,
  clickAndWait,
  login,
  logout,
  newContext,
  optionValueByLabel,
  pathOf,
  screenshot,
  startLisa,
  submitForm,
  watchProblems,
} from './helpers.mjs';

test('without JavaScript: log in, add an organisation, see it, log out', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { url, browser } = await startLisa(t, 'nojs');
  const context = await newContext(browser, { javaScriptEnabled: false });
  t.after(() => context.close());
  const page = await context.newPage();
  // JavaScript really is off: a page script cannot change the text.
  await page.setContent('<p id="x">av</p><script>document.getElementById("x").textContent = "på";</script>');
  assert.equal(await page.locator('#x').innerText(), 'av');
  const watch = watchProblems(page);

  let res = await login(page, url, 'admin@exempla.se');
  assert.equal(res.status(), 200);
  assert.equal(pathOf(page), '/');
  await page.goto(`${url}/orgs/new`);

  const form = page.locator('main form');
  await form.getByLabel('Namn på organisationen').fill('Enheten utan skript');
  await form.getByLabel('Typ av organisation').selectOption({ label: 'Enhet' });
  await form.getByLabel('Organisationsnummer').fill('');
  const parent = form.getByLabel('Ingår i');
  await parent.selectOption(await optionValueByLabel(parent, 'Socialförvaltningen'));
  res = await submitForm(page, form);
  assert.equal(res.status(), 200);
  assert.match(pathOf(page), ORG_DETAIL_RE);
  assert.equal(await page.locator('h1').innerText(), 'Enheten utan skript');
  const crumbs = page.getByRole('navigation', { name: 'Du är här' });
  assert.deepEqual(await crumbs.getByRole('link').allInnerTexts(), ['Organisationer', 'Exempla kommun', 'Socialnämnden', 'Socialförvaltningen']);
  await screenshot(page, 'nojs-org-created');

  // A form with an error comes back from the server, without any script.
  await page.goto(`${url}/orgs/new`);
  await page.locator('#f-name').fill('Felaktig');
  await page.locator('#f-org_number').fill('123');
  res = await submitForm(page, page.locator('main form'));
  assert.equal(res.status(), 422);
  assert.match(await page.locator('#error-summary').innerText(), /Organisationsnumret ska ha tio siffror/);

  await page.goto(`${url}/orgs`);
  assert.equal(await page.getByRole('link', { name: 'Enheten utan skript', exact: true }).count(), 1);
  await logout(page);

  // A review's comments are one form: text typed in two sections survives
  // pressing one section's button, without any script.
  res = await login(page, url, 'ciso@exempla.se');
  assert.equal(res.status(), 200);
  await page.goto(`${url}/reviews`);
  const row = page.locator('main table tbody tr', { hasText: 'Exempla kommun' }).filter({ hasText: 'Under beredning' }).first();
  await clickAndWait(page, row.getByRole('link').first());
  const review = pathOf(page);
  const risks = page.locator('#s-risks');
  const outside = page.locator('#s-outside_world');
  await risks.getByLabel('Din kommentar').fill('Risker utan skript.');
  await outside.getByLabel('Din kommentar').fill('Omvärld utan skript.');
  res = await clickAndWait(page, outside.getByRole('button', { name: 'Spara kommentaren' }));
  assert.equal(res.status(), 200);
  assert.equal(pathOf(page), review);
  assert.equal(new URL(page.url()).hash, '#s-outside_world');
  assert.equal(await risks.getByLabel('Din kommentar').inputValue(), 'Risker utan skript.', 'the other section kept its text');
  assert.equal(await outside.getByLabel('Din kommentar').inputValue(), 'Omvärld utan skript.');
  // A too long comment comes back with its message at its own box and both texts as typed.
  await risks.getByLabel('Din kommentar').fill('x'.repeat(10_001));
  await outside.getByLabel('Din kommentar').fill('Ändrad omvärld.');
  res = await clickAndWait(page, risks.getByRole('button', { name: 'Spara kommentaren' }));
  assert.equal(res.status(), 422);
  assert.equal(await risks.getByLabel('Din kommentar').getAttribute('aria-invalid'), 'true');
  assert.equal(await risks.getByLabel('Din kommentar').inputValue(), 'x'.repeat(10_001));
  assert.equal(await outside.getByLabel('Din kommentar').inputValue(), 'Ändrad omvärld.');
  await page.goto(url + review);
  assert.equal(await outside.getByLabel('Din kommentar').inputValue(), 'Omvärld utan skript.', 'nothing of a refused form is stored');
  await screenshot(page, 'nojs-review-comments');
  await logout(page);
  watch.assertNone('without JavaScript');
});
