// Journey (b): the system administrator builds a small part of the tree and
// gives a new person a role in it; that person logs in and changes their own
// password; the administrator then tries to delete a blocked organisation,
// withdraws the role, deletes the new organisation, and finds every step in
// the audit log, filtered by record and by actor.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ORG_DETAIL_RE,
  TEST_TIMEOUT_MS,
  checkA11y,
  clickAndWait,
  csrfOf,
  hrefOf,
  login,
  logout,
  newContext,
  optionValueByLabel,
  pathOf,
  postForm,
  screenshot,
  startLisa,
  submitForm,
  watchProblems,
} from './helpers.mjs';

const ADMIN = 'admin@exempla.se';
const FIRST_NAME = 'Digitaliseringsenheten';
const NEW_NAME = 'Enheten för digital utveckling';
const GRETA = { name: 'Greta Gran', email: 'greta.gran@exempla.se' };
const GRETA_FIRST_PW = 'första lösenordet för Greta';
const GRETA_NEW_PW = 'Gretas nya lösenord är en lång mening';

/** A ten-digit organisation number with a correct Luhn check digit. */
function orgNumber(nineDigits) {
  let sum = 0;
  [...nineDigits].forEach((c, i) => {
    let d = Number(c);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  });
  const check = (10 - (sum % 10)) % 10;
  return `${nineDigits.slice(0, 6)}-${nineDigits.slice(6)}${check}`;
}

const idOf = (href) => href.split('/').pop();

/** The texts of one column of the audit table, top to bottom. */
async function auditColumn(page, index) {
  return page.locator(`table.audit tbody tr td:nth-child(${index})`).allInnerTexts();
}

/** Filters the audit log through its form (as a user does) and returns the actions shown. */
async function filterAudit(page, url, fields) {
  // One record's history is reached from its own page's link; the form keeps it while filtering further.
  await page.goto(fields.record_id === undefined ? `${url}/audit` : `${url}/audit?record_id=${fields.record_id}`);
  const form = page.locator('form.filters');
  assert.equal(await form.getByLabel(/ id$/).count(), 0, 'no field asks for an id');
  if (fields.record_type !== undefined) await form.getByLabel('Typ av uppgift').selectOption(fields.record_type);
  if (fields.actor !== undefined) await form.getByLabel('Ändrad av (e-post)').fill(fields.actor);
  const res = await submitForm(page, form);
  assert.equal(res.status(), 200);
  const query = new URL(page.url()).searchParams;
  for (const [k, v] of Object.entries(fields)) assert.equal(query.get(k), v, `the filter ${k} is in the address`);
  // The page says in words what the list is limited to.
  if (fields.record_id !== undefined) assert.match(await page.locator('main').innerText(), /Visar bara ändringar av /);
  return auditColumn(page, 4);
}

test('journey: organisation and user lifecycle as admin, own password change, deletion rules, audit log', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { url, browser } = await startLisa(t, 'journey');
  const admin = await newContext(browser);
  t.after(() => admin.close());
  const page = await admin.newPage();
  const watch = watchProblems(page);

  // --- The administrator adds an organisation under Exempla kommun. ---
  await login(page, url, ADMIN);
  await page.goto(`${url}/orgs`);
  await clickAndWait(page, page.getByRole('link', { name: 'Lägg till organisation' }));
  assert.equal(pathOf(page), '/orgs/new');
  let form = page.locator('main form');
  await form.getByLabel('Namn på organisationen').fill(FIRST_NAME);
  await form.getByLabel('Typ av organisation').selectOption({ label: 'Enhet' });
  const parentSelect = form.getByLabel('Ingår i');
  await parentSelect.selectOption(await optionValueByLabel(parentSelect, 'Exempla kommun'));
  let res = await submitForm(page, form);
  assert.equal(res.status(), 200);
  assert.match(pathOf(page), ORG_DETAIL_RE, 'after adding, the new organisation is shown');
  const orgPath = pathOf(page);
  const orgId = idOf(orgPath);
  assert.equal(await page.locator('h1').innerText(), FIRST_NAME);
  const crumbs = page.getByRole('navigation', { name: 'Du är här' });
  assert.deepEqual(await crumbs.getByRole('link').allInnerTexts(), ['Organisationer', 'Exempla kommun']);
  assert.match(await page.locator('dl.facts').innerText(), /Enhet/);

  // --- Renames it. ---
  form = page.locator(`form[action="${orgPath}"]`);
  await form.getByLabel('Namn på organisationen').fill(NEW_NAME);
  res = await submitForm(page, form);
  assert.equal(res.status(), 200);
  assert.equal(new URL(page.url()).search, '?saved=1');
  assert.equal(await page.getByRole('status').innerText(), 'Ändringarna är sparade.');
  assert.equal(await page.locator('h1').innerText(), NEW_NAME);
  await checkA11y(page, 'org saved');

  // --- Tries an organisation number with a wrong check digit, then a short one. ---
  form = page.locator(`form[action="${orgPath}"]`);
  await form.getByLabel('Organisationsnummer').fill('212000-0143');
  res = await submitForm(page, form);
  assert.equal(res.status(), 422);
  let summary = page.locator('#error-summary');
  assert.equal(await summary.getByRole('heading').innerText(), 'Något behöver rättas innan vi kan spara');
  assert.equal(await page.locator('#e-org_number').innerText(), 'Organisationsnumret stämmer inte. Kontrollera den sista siffran.');
  assert.equal(await page.locator('#f-org_number').getAttribute('aria-invalid'), 'true');
  await screenshot(page, 'journey-org-number-error');

  form = page.locator(`form[action="${orgPath}"]`);
  await form.getByLabel('Organisationsnummer').fill('21200');
  res = await submitForm(page, form);
  assert.equal(res.status(), 422);
  assert.equal(
    await page.locator('#e-org_number').innerText(),
    'Organisationsnumret ska ha tio siffror, till exempel 212000-0142.',
  );
  // Nothing was saved by the failed attempts.
  await page.goto(url + orgPath);
  assert.match(await page.locator('dl.facts').innerText(), /Organisationsnummer\s+Inte angivet/);

  // ...and then a correct one.
  const number = orgNumber('212000777');
  form = page.locator(`form[action="${orgPath}"]`);
  await form.getByLabel('Organisationsnummer').fill(number.replace('-', ''));
  res = await submitForm(page, form);
  assert.equal(res.status(), 200);
  assert.match(await page.locator('dl.facts').innerText(), new RegExp(`Organisationsnummer\\s+${number}`), 'saved in the form NNNNNN-NNNN');

  // --- Moves it under Kommunstyrelsen. ---
  form = page.locator(`form[action="${orgPath}"]`);
  const parent = form.getByLabel('Ingår i');
  // An organisation cannot be placed under itself: it is not offered.
  assert.equal(await parent.locator(`option[value="${orgId}"]`).count(), 0);
  await parent.selectOption(await optionValueByLabel(parent, 'Kommunstyrelsen'));
  res = await submitForm(page, form);
  assert.equal(res.status(), 200);
  assert.deepEqual(await crumbs.getByRole('link').allInnerTexts(), ['Organisationer', 'Exempla kommun', 'Kommunstyrelsen']);
  await page.goto(`${url}/orgs`);
  const placedUnder = await page
    .getByRole('link', { name: NEW_NAME, exact: true })
    .evaluate((a) => a.closest('ul').closest('li').querySelector(':scope > a').textContent);
  assert.equal(placedUnder, 'Kommunstyrelsen', 'the tree shows it under Kommunstyrelsen');
  const kommunstyrelsenPath = await hrefOf(page.locator('ul.tree'), 'Kommunstyrelsen');
  await screenshot(page, 'journey-tree-after-move');

  // --- Adds a user with a role in it. ---
  await page.goto(`${url}/users`);
  await clickAndWait(page, page.getByRole('link', { name: 'Lägg till användare' }));
  form = page.locator('main form');
  await form.getByLabel('Namn').fill(GRETA.name);
  await form.getByLabel('E-postadress').fill(GRETA.email);
  await form.getByLabel('Språk').selectOption('sv');
  await form.getByLabel('Roll', { exact: true }).selectOption({ label: 'Informationsägare' });
  const orgSelect = form.getByLabel('Organisation som rollen gäller');
  await orgSelect.selectOption(await optionValueByLabel(orgSelect, NEW_NAME));
  await form.getByLabel('Första lösenord').fill(GRETA_FIRST_PW);
  res = await submitForm(page, form);
  assert.equal(res.status(), 200);
  assert.match(pathOf(page), /^\/users\/[0-9a-f-]{36}$/);
  const gretaPath = pathOf(page);
  assert.equal(await page.locator('h1').innerText(), GRETA.name);
  const roleText = `Informationsägare – ${NEW_NAME}`;
  assert.match(await page.locator('section[aria-labelledby=roles]').innerText(), new RegExp(roleText));
  assert.match(await page.locator('dl.facts').innerText(), /Har ett lösenord/);
  await screenshot(page, 'journey-user-created');
  // The organisation lists her.
  await page.goto(url + orgPath);
  assert.ok(await page.locator('section[aria-labelledby=people]').getByRole('link', { name: GRETA.name }).isVisible());

  await logout(page);
  // Logged out for real: a page now sends to the login page.
  await page.goto(`${url}/orgs`);
  assert.equal(pathOf(page), '/login');
  watch.assertNone('admin part of the journey');

  // --- The new user logs in and changes her own password. ---
  const own = await newContext(browser);
  t.after(() => own.close());
  const gp = await own.newPage();
  const gwatch = watchProblems(gp);
  res = await login(gp, url, GRETA.email, GRETA_FIRST_PW);
  assert.equal(res.status(), 200);
  assert.equal(pathOf(gp), '/');
  assert.equal(await gp.locator('h1').innerText(), `Välkommen, ${GRETA.name}`);
  assert.match(await gp.locator('header').innerText(), new RegExp(`Inloggad som\\s+${GRETA.name}`));
  // She sees her own organisation only.
  await gp.goto(`${url}/orgs`);
  assert.deepEqual(await gp.locator('ul.tree a').allInnerTexts(), [NEW_NAME]);

  await gp.locator('header .who').getByRole('link', { name: 'Mitt konto' }).click();
  await gp.waitForURL(`${url}/account`);
  form = gp.locator('form[action="/account/password"]');
  await form.getByLabel('Nuvarande lösenord').fill(GRETA_FIRST_PW);
  await form.getByLabel('Nytt lösenord').fill(GRETA_NEW_PW);
  await form.getByLabel('Upprepa det nya lösenordet').fill(GRETA_NEW_PW);
  res = await submitForm(gp, form);
  assert.equal(res.status(), 200);
  assert.equal(new URL(gp.url()).search, '?done=password');
  assert.match(await gp.getByRole('status').innerText(), /Ditt lösenord är bytt\./);
  await checkA11y(gp, 'account password changed');
  await screenshot(gp, 'journey-password-changed');

  // She is still logged in here, logs out, and the old password no longer works.
  await logout(gp);
  res = await login(gp, url, GRETA.email, GRETA_FIRST_PW);
  assert.equal(res.status(), 401);
  assert.equal(pathOf(gp), '/login');
  assert.match(await gp.locator('#error-summary').innerText(), /E-postadressen eller lösenordet är fel\./);
  res = await login(gp, url, GRETA.email, GRETA_NEW_PW);
  assert.equal(res.status(), 200);
  assert.equal(pathOf(gp), '/');
  assert.equal(await gp.locator('h1').innerText(), `Välkommen, ${GRETA.name}`);
  await logout(gp);
  gwatch.assertNone('user part of the journey');

  // --- The administrator again: deletion is refused while something depends on it. ---
  await login(page, url, ADMIN);
  await page.goto(`${url}/orgs`);
  const socialnamnd = await hrefOf(page.locator('ul.tree'), 'Socialnämnden');
  const orgCountBefore = await page.locator('ul.tree a').count();
  await page.goto(url + socialnamnd);
  await clickAndWait(page, page.getByRole('link', { name: 'Ta bort organisationen' }));
  assert.equal(pathOf(page), `${socialnamnd}/delete`);
  let alert = page.getByRole('alert');
  assert.match(await alert.innerText(), /Socialnämnden kan inte tas bort eftersom andra uppgifter hänger ihop med den:/);
  assert.match(await alert.innerText(), /Underorganisationer: 1/);
  assert.equal(await page.getByRole('button', { name: 'Ja, ta bort' }).count(), 0, 'no delete button when blocked');
  await screenshot(page, 'journey-delete-blocked');
  // Even a hand-made POST (with a valid csrf token) deletes nothing.
  const forced = await postForm(page, `${url}${socialnamnd}/delete`, { csrf: await csrfOf(page) });
  assert.equal(forced.status(), 409);
  await page.goto(`${url}/orgs`);
  assert.equal(await page.locator('ul.tree a').count(), orgCountBefore, 'nothing was deleted');
  assert.ok(await page.getByRole('link', { name: 'Socialnämnden', exact: true }).isVisible());
  assert.ok(await page.getByRole('link', { name: 'Äldreomsorgen', exact: true }).isVisible());

  // The new organisation is blocked by Greta's role.
  await page.goto(`${url}${orgPath}/delete`);
  alert = page.getByRole('alert');
  assert.match(await alert.innerText(), /Roller som personer har i organisationen: 1/);
  assert.equal(await page.getByRole('button', { name: 'Ja, ta bort' }).count(), 0);

  // --- Withdraws the role, then deletes the organisation. ---
  await page.goto(url + gretaPath);
  // The button names the role it withdraws (the role text is visually hidden).
  const withdraw = page.getByRole('button', { name: /^Ta bort rollen/ });
  assert.equal(await withdraw.count(), 1);
  assert.match(await withdraw.textContent(), new RegExp(`^Ta bort rollen: ${roleText}$`));
  await clickAndWait(page, withdraw);
  assert.equal(pathOf(page), gretaPath);
  assert.equal(await page.getByRole('status').innerText(), 'Rollen är borttagen.');
  assert.match(await page.locator('section[aria-labelledby=roles]').innerText(), /Ingen roll/);
  await checkA11y(page, 'role withdrawn');

  await page.goto(url + orgPath);
  await clickAndWait(page, page.getByRole('link', { name: 'Ta bort organisationen' }));
  assert.match(await page.locator('main').innerText(), new RegExp(`Vill du ta bort ${NEW_NAME}\\?`));
  await screenshot(page, 'journey-delete-confirm');
  res = await clickAndWait(page, page.getByRole('button', { name: 'Ja, ta bort' }));
  assert.equal(res.status(), 200);
  assert.equal(pathOf(page), kommunstyrelsenPath, 'after deleting, the parent is shown');
  assert.equal(await page.getByRole('link', { name: NEW_NAME }).count(), 0);
  res = await page.goto(url + orgPath);
  assert.equal(res.status(), 404);
  await page.goto(`${url}/orgs`);
  assert.equal(await page.getByRole('link', { name: NEW_NAME }).count(), 0, 'gone from the tree');

  // --- The audit log shows it all. ---
  res = await page.goto(`${url}/audit`);
  assert.equal(res.status(), 200);
  const allActions = await auditColumn(page, 4);
  for (const action of [
    'Organisation tillagd',
    'Organisation ändrad',
    'Organisation flyttad',
    'Organisation borttagen',
    'Användare tillagd',
    'Roll tilldelad',
    'Roll borttagen',
    'Eget lösenord bytt',
    'Inloggning',
    'Utloggning',
  ]) {
    assert.ok(allActions.includes(action), `"${action}" in the audit log: ${JSON.stringify(allActions)}`);
  }
  // Newest first.
  const seqs = (await auditColumn(page, 1)).map(Number);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a), 'newest entry first');

  // Filtered by the organisation: exactly its own history, newest first.
  const orgActions = await filterAudit(page, url, { record_type: 'org', record_id: orgId });
  assert.deepEqual(orgActions, [
    'Organisation borttagen',
    'Organisation flyttad',
    'Organisation ändrad',
    'Organisation ändrad',
    'Organisation tillagd',
  ]);
  for (const record of await auditColumn(page, 5)) assert.match(record, new RegExp(`^Organisation: ${orgId}$`));
  for (const who of await auditColumn(page, 3)) assert.equal(who, ADMIN);
  // The rename shows what changed, before and after.
  const renameRow = page.locator('table.audit tbody tr', { hasText: 'Organisation ändrad' }).last();
  await renameRow.locator('summary').click();
  const renameText = await renameRow.innerText();
  assert.match(renameText, new RegExp(`Namn: ${FIRST_NAME} → ${NEW_NAME}`), 'the change in words: field, before → after');
  assert.doesNotMatch(renameText, /[{}"]|parent_id|org_number/, 'no JSON and no stored field names');
  await checkA11y(page, 'audit filtered by org, details open');
  await screenshot(page, 'journey-audit-org');

  // Filtered by the user record.
  const gretaId = idOf(gretaPath);
  const userActions = await filterAudit(page, url, { record_type: 'user', record_id: gretaId });
  for (const action of ['Användare tillagd', 'Roll tilldelad', 'Inloggning', 'Eget lösenord bytt', 'Utloggning', 'Roll borttagen']) {
    assert.ok(userActions.includes(action), `"${action}" in Greta's history: ${JSON.stringify(userActions)}`);
  }
  assert.ok(!userActions.some((a) => a.startsWith('Organisation')), 'no organisation events in a user filter');

  // Filtered by actor: only what Greta did herself.
  const byGreta = await filterAudit(page, url, { actor: GRETA.email });
  assert.ok(byGreta.includes('Eget lösenord bytt'));
  assert.ok(!byGreta.includes('Användare tillagd'), 'the admin created her, not she herself');
  for (const who of await auditColumn(page, 3)) assert.equal(who, GRETA.email);

  // The user page links to the same history.
  await page.goto(url + gretaPath);
  await clickAndWait(page, page.getByRole('link', { name: 'Visa ändringshistorik' }));
  assert.equal(new URL(page.url()).searchParams.get('record_id'), gretaId);
  assert.deepEqual(await auditColumn(page, 4), userActions);
  watch.assertNone('the rest of the journey');
});
