// Works without JavaScript (d): Lisa is server-rendered HTML with plain
// forms; a browser with JavaScript turned off logs in, adds an organisation,
// sees it in the tree, and logs out.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ORG_DETAIL_RE,
  TEST_TIMEOUT_MS,
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
  watch.assertNone('without JavaScript');
});
