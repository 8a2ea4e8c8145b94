// Foundation (a): every page of Lisa as the system administrator, seen
// exactly as a user sees it (the app's own strict Content-Security-Policy in
// force, bypassCSP false): no console errors, no CSP violations, the
// stylesheet applied, and zero axe-core WCAG 2.1 A/AA violations on every
// page, also the login page, error pages, forms shown again with their
// errors, and the English interface.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TEST_TIMEOUT_MS,
  assertStyled,
  checkA11y,
  hrefOf,
  login,
  newContext,
  optionValueByLabel,
  pathOf,
  screenshot,
  startLisa,
  submitForm,
  watchProblems,
} from './helpers.mjs';

const ADMIN = 'admin@exempla.se';
const NO_SUCH_ORG = '/orgs/00000000-0000-0000-0000-000000000000';

/** What every page of Lisa has: language, a title, one h1, a main landmark. */
async function assertPageBasics(page, lang) {
  assert.equal(await page.locator('html').getAttribute('lang'), lang, `html lang on ${page.url()}`);
  assert.match(await page.title(), / – Lisa$/, `title of ${page.url()}`);
  assert.equal(await page.locator('h1').count(), 1, `exactly one h1 on ${page.url()}`);
  assert.equal(await page.locator('main#main').count(), 1, `a main landmark on ${page.url()}`);
}

/**
 * A checker bound to one page: opens `path` (or takes the page as it is),
 * asserts status, basics, styling, axe and a clean console, and saves a
 * screenshot.
 */
function pageChecker(page, url, lang) {
  const watch = watchProblems(page);
  const check = async (label, { status, shot } = {}) => {
    await assertPageBasics(page, lang);
    await assertStyled(page);
    await checkA11y(page, label);
    watch.assertNone(label);
    if (shot) await screenshot(page, shot);
    return status;
  };
  return {
    watch,
    check,
    async visit(path, { status = 200, shot, label = path } = {}) {
      const res = await page.goto(url + path);
      assert.equal(res.status(), status, `GET ${path} answered ${res.status()}, expected ${status}`);
      await check(label, { shot });
      return res;
    },
  };
}

test('every page as admin: no console errors or CSP violations, no axe violations', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { url, browser } = await startLisa(t, 'foundation-pages');
  const context = await newContext(browser, { bypassCSP: false });
  t.after(() => context.close());
  const page = await context.newPage();
  const { visit, check } = pageChecker(page, url, 'sv');

  // The login page, anonymous.
  await visit('/login', { shot: 'login' });
  assert.equal(await page.locator('h1').innerText(), 'Logga in');

  const res = await login(page, url, ADMIN);
  assert.equal(res.status(), 200);
  assert.equal(pathOf(page), '/');
  await check('/ after login', { shot: 'home-admin' });

  // The navigation of an administrator has every section.
  const nav = page.getByRole('navigation', { name: 'Huvudmeny' });
  assert.deepEqual(await nav.getByRole('link').allInnerTexts(), ['Start', 'Organisationer', 'Användare', 'Loggbok', 'Modeller']);
  assert.equal(await nav.getByRole('link', { name: 'Start' }).getAttribute('aria-current'), 'page');

  await visit('/orgs', { shot: 'orgs' });
  const tree = page.locator('ul.tree');
  const socialId = (await hrefOf(tree, 'Socialförvaltningen')).split('/').pop();
  const socialNamndId = (await hrefOf(tree, 'Socialnämnden')).split('/').pop();
  const aldreId = (await hrefOf(tree, 'Äldreomsorgen')).split('/').pop();
  assert.equal(await nav.getByRole('link', { name: 'Organisationer' }).getAttribute('aria-current'), 'page');

  await visit('/orgs/new', { shot: 'org-new' });
  await visit(`/orgs/${socialId}`, { shot: 'org-detail' });
  assert.equal(await page.locator('h1').innerText(), 'Socialförvaltningen');
  // Breadcrumbs lead up through the tree.
  const crumbs = page.getByRole('navigation', { name: 'Du är här' });
  assert.deepEqual(await crumbs.getByRole('link').allInnerTexts(), ['Organisationer', 'Exempla kommun', 'Socialnämnden']);
  // Its people and its children.
  assert.ok(await page.getByRole('link', { name: 'Äldreomsorgen' }).isVisible());
  assert.ok((await page.locator('section[aria-labelledby=people] tbody tr').count()) >= 2, 'people with roles are listed');

  // Delete confirmation: a leaf (asks) and an organisation with children (blocked).
  await visit(`/orgs/${aldreId}/delete`, { shot: 'org-delete-confirm' });
  assert.ok(await page.getByRole('button', { name: 'Ja, ta bort' }).isVisible());
  await visit(`/orgs/${socialNamndId}/delete`, { shot: 'org-delete-blocked' });
  assert.equal(await page.getByRole('button', { name: 'Ja, ta bort' }).count(), 0);

  await visit('/users', { shot: 'users' });
  const samordnareHref = await page.locator('tr', { hasText: 'samordnare@exempla.se' }).getByRole('link').getAttribute('href');
  await visit('/users/new', { shot: 'user-new' });
  await visit(samordnareHref, { shot: 'user-detail' });
  assert.ok(await page.getByRole('button', { name: /^Ta bort rollen/ }).first().isVisible());
  assert.ok(await page.getByRole('heading', { name: 'Ge en ny roll' }).isVisible());
  // The role offered first is the everyday one, not the most powerful.
  assert.equal(await page.locator('form[action$="/roles"] select[name=role]').inputValue(), 'coordinator');
  assert.ok(await page.getByRole('heading', { name: 'Sätt nytt lösenord' }).isVisible());

  await visit('/account', { shot: 'account' });
  await visit('/audit', { shot: 'audit' });
  assert.ok((await page.locator('table.audit tbody tr').count()) >= 1, 'the login itself is in the audit log');
  await visit(`/audit?record_type=org&record_id=${socialId}`, { label: '/audit filtered' });

  // Error pages.
  await visit(NO_SUCH_ORG, { status: 404, shot: 'error-404' });
  assert.equal(await page.locator('h1').innerText(), 'Sidan eller uppgiften finns inte');
  assert.ok(await page.getByRole('link', { name: 'Till startsidan' }).isVisible());
  await visit('/finns-inte', { status: 404, label: 'unknown route' });
  await visit('/orgs/inte-ett-id', { status: 404, label: 'malformed id' });

  // Forms shown again with their errors.
  // 1. A new organisation with an organisation number whose check digit is wrong.
  await visit('/orgs/new');
  let form = page.locator('main form');
  await form.getByLabel('Namn på organisationen').fill('Testenheten');
  await form.getByLabel('Organisationsnummer').fill('212000-0143');
  const parent = form.getByLabel('Ingår i');
  await parent.selectOption(await optionValueByLabel(parent, 'Exempla kommun'));
  let r = await submitForm(page, form);
  assert.equal(r.status(), 422);
  await check('/orgs/new with errors', { shot: 'org-new-errors' });
  const summary = page.locator('#error-summary');
  assert.match(await summary.innerText(), /Organisationsnumret stämmer inte\. Kontrollera den sista siffran\./);
  assert.equal(await page.locator('#f-org_number').getAttribute('aria-invalid'), 'true');
  // What was typed is kept.
  assert.equal(await page.locator('#f-name').inputValue(), 'Testenheten');
  assert.equal(await page.locator('#f-org_number').inputValue(), '212000-0143');
  // The summary links to the field.
  assert.equal(await summary.getByRole('link').first().getAttribute('href'), '#f-org_number');

  // 2. A new user with an e-mail address already taken and a short password.
  await visit('/users/new');
  form = page.locator('main form');
  await form.getByLabel('Namn').fill('Dubbel Person');
  await form.getByLabel('E-postadress').fill('ciso@exempla.se');
  await form.getByLabel('Första lösenord').fill('kort');
  r = await submitForm(page, form);
  assert.equal(r.status(), 422);
  await check('/users/new with errors', { shot: 'user-new-errors' });
  assert.match(await page.locator('#error-summary').innerText(), /minst 12 tecken/);

  // 3. Change of password with a wrong current password and a mismatch.
  await visit('/account');
  form = page.locator('form[action="/account/password"]');
  await form.getByLabel('Nuvarande lösenord').fill('inte mitt lösenord alls');
  await form.getByLabel('Nytt lösenord').fill('ett helt nytt långt lösenord');
  await form.getByLabel('Upprepa det nya lösenordet').fill('ett annat långt lösenord');
  r = await submitForm(page, form);
  assert.equal(r.status(), 422);
  await check('/account with errors', { shot: 'account-errors' });
  const accountErrors = await page.locator('#error-summary').innerText();
  assert.match(accountErrors, /Ditt nuvarande lösenord stämmer inte\./);
  assert.match(accountErrors, /Lösenorden är inte likadana\./);

  // 4. The audit log filtered with an end date before the start date.
  await visit('/audit');
  form = page.locator('form.filters');
  await form.getByLabel('Från och med').fill('2026-12-01');
  await form.getByLabel('Till och med').fill('2026-01-01');
  await submitForm(page, form);
  await check('/audit with errors', { shot: 'audit-errors' });
  assert.match(await page.locator('#error-summary').innerText(), /Slutdatumet måste vara samma dag som startdatumet eller senare\./);
  assert.equal(await page.locator('#f-to').getAttribute('aria-invalid'), 'true');

  // 5. The edit form of an organisation with a name that is too long
  //    (the browser's maxlength is taken away to reach the server's check).
  await visit(`/orgs/${aldreId}`);
  form = page.locator('form[action^="/orgs/"]');
  await form.getByLabel('Namn på organisationen').fill('x'.repeat(200));
  await page.locator('#f-name').evaluate((el) => el.removeAttribute('maxlength'));
  await form.getByLabel('Namn på organisationen').fill('x'.repeat(201));
  r = await submitForm(page, form);
  assert.equal(r.status(), 422);
  await check('/orgs/{id} with errors', { shot: 'org-edit-errors' });
  assert.match(await page.locator('#error-summary').innerText(), /högst 200 tecken/);
  // Nothing was saved.
  await visit(`/orgs/${aldreId}`);
  assert.equal(await page.locator('h1').innerText(), 'Äldreomsorgen');
});

test('the English interface: language switch on /account, English texts, no axe violations', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { url, browser } = await startLisa(t, 'foundation-english');
  const context = await newContext(browser, { bypassCSP: false });
  t.after(() => context.close());
  const page = await context.newPage();
  const sv = pageChecker(page, url, 'sv');

  await login(page, url, ADMIN);
  await sv.visit('/account');
  const form = page.locator('form[action="/account/language"]');
  await form.getByLabel('Språk i Lisa').selectOption('en');
  const res = await submitForm(page, form);
  assert.equal(res.status(), 200);
  assert.equal(pathOf(page), '/account');

  const en = pageChecker(page, url, 'en');
  await en.check('/account in English', { shot: 'en-account' });
  assert.equal(await page.locator('h1').innerText(), 'My account');
  assert.match(await page.getByRole('status').innerText(), /Saved/i);
  const nav = page.getByRole('navigation', { name: 'Main menu' });
  assert.deepEqual(await nav.getByRole('link').allInnerTexts(), ['Home', 'Organisations', 'Users', 'Audit log', 'Models']);
  assert.equal(await page.locator('header .who').getByRole('link', { name: 'My account' }).getAttribute('aria-current'), 'page');
  assert.ok(await page.getByRole('button', { name: 'Log out' }).isVisible());

  await en.visit('/orgs', { label: '/orgs in English', shot: 'en-orgs' });
  assert.equal(await page.locator('h1').innerText(), 'Organisations');
  // Kinds are translated; names of organisations are not.
  assert.ok(await page.getByRole('link', { name: 'Exempla kommun', exact: true }).isVisible());
  assert.doesNotMatch(await page.locator('ul.tree').innerText(), /Kommunalt bolag|Förvaltning\b/);
  const orgHref = await hrefOf(page.locator('ul.tree'), 'Socialförvaltningen');

  await en.visit('/', { label: '/ in English' });
  await en.visit(orgHref, { label: '/orgs/{id} in English', shot: 'en-org-detail' });
  await en.visit(`${orgHref}/delete`, { label: '/orgs/{id}/delete in English' });
  await en.visit('/orgs/new', { label: '/orgs/new in English' });
  await en.visit('/users', { label: '/users in English' });
  const userHref = await page.locator('tr', { hasText: 'agare@exempla.se' }).getByRole('link').getAttribute('href');
  await en.visit(userHref, { label: '/users/{id} in English' });
  await en.visit('/users/new', { label: '/users/new in English' });
  await en.visit('/audit', { label: '/audit in English', shot: 'en-audit' });
  assert.equal(await page.locator('h1').innerText(), 'Audit log');
  await en.visit(NO_SUCH_ORG, { status: 404, label: '404 in English', shot: 'en-error-404' });
  assert.doesNotMatch(await page.locator('main').innerText(), /Sidan eller uppgiften finns inte/);

  // A form with errors, in English.
  await en.visit('/orgs/new', { label: '/orgs/new in English' });
  const orgForm = page.locator('main form');
  await orgForm.locator('#f-name').fill('Test unit');
  await orgForm.locator('#f-org_number').fill('12345');
  const r = await submitForm(page, orgForm);
  assert.equal(r.status(), 422);
  await en.check('/orgs/new with errors in English', { shot: 'en-org-new-errors' });
  const msg = await page.locator('#error-summary').innerText();
  assert.doesNotMatch(msg, /Organisationsnumret/, 'the error message is English');
  assert.match(msg, /ten digits|10 digits/i);
});
