// Authorisation (c), in the browser: what each role sees and may open, the
// login page's answers, and the CSRF protection of every form.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TEST_TIMEOUT_MS,
  checkA11y,
  csrfOf,
  hrefOf,
  login,
  newContext,
  pathOf,
  postForm,
  screenshot,
  startLisa,
  watchProblems,
} from './helpers.mjs';

const NAV = 'Huvudmeny';

/** Ids of a few organisations, read from the tree as the administrator sees it. */
async function orgPaths(browser, url, names) {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await login(page, url, 'admin@exempla.se');
    await page.goto(`${url}/orgs`);
    const out = {};
    for (const name of names) out[name] = await hrefOf(page.locator('ul.tree'), name);
    return out;
  } finally {
    await context.close();
  }
}

test('the CISO of Region Exempla sees only Region Exempla; Exempla kommun answers 404', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { url, browser } = await startLisa(t, 'authz-region');
  const paths = await orgPaths(browser, url, ['Exempla kommun', 'Socialförvaltningen', 'Region Exempla']);
  const context = await newContext(browser);
  t.after(() => context.close());
  const page = await context.newPage();
  const watch = watchProblems(page);

  await login(page, url, 'ciso@region-exempla.se');
  await page.goto(`${url}/orgs`);
  const tree = page.locator('ul.tree');
  // One root, Region Exempla, with its own administrations.
  assert.deepEqual(await tree.locator(':scope > li > a').allInnerTexts(), ['Region Exempla']);
  const all = await tree.locator('a').allInnerTexts();
  assert.ok(all.includes('Hälso- och sjukvårdsförvaltningen'), JSON.stringify(all));
  for (const foreign of ['Exempla kommun', 'Socialförvaltningen', 'Exempelmyndigheten', 'Nationellt samordningsorgan för informationssäkerhet']) {
    assert.ok(!all.includes(foreign), `"${foreign}" is not in the tree of the region's CISO`);
  }
  await screenshot(page, 'authz-region-tree');

  for (const p of [paths['Exempla kommun'], paths['Socialförvaltningen'], `${paths['Exempla kommun']}/delete`]) {
    const res = await page.goto(url + p);
    assert.equal(res.status(), 404, `GET ${p} as the region's CISO`);
    assert.equal(await page.locator('h1').innerText(), 'Sidan eller uppgiften finns inte');
    // Nothing about the organisation leaks into the page.
    assert.doesNotMatch(await page.locator('body').innerText(), /Exempla kommun|Socialförvaltningen/);
  }
  await checkA11y(page, '404 for a foreign org');
  await screenshot(page, 'authz-region-404');

  // Writing to a foreign organisation is refused the same way, with a valid csrf token.
  await page.goto(url + paths['Region Exempla']);
  const csrf = await csrfOf(page);
  let res = await postForm(page, url + paths['Exempla kommun'], { csrf, name: 'Kapad kommun', kind: 'municipality', org_number: '', parent_id: '' });
  assert.equal(res.status(), 404);
  res = await postForm(page, `${url}${paths['Socialförvaltningen']}/delete`, { csrf });
  assert.equal(res.status(), 404);
  // Nor may a new organisation be placed under it.
  res = await postForm(page, `${url}/orgs`, { csrf, name: 'Inflyttad', kind: 'unit', org_number: '', parent_id: paths['Exempla kommun'].split('/').pop() });
  assert.equal(res.status(), 403);
  // Their own region they do see.
  res = await page.goto(url + paths['Region Exempla']);
  assert.equal(res.status(), 200);
  assert.equal(await page.locator('h1').innerText(), 'Region Exempla');
  watch.assertNone('region CISO');
});

test('a coordinator has no Users or Audit log in the menu and gets 403 there', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { url, browser } = await startLisa(t, 'authz-coordinator');
  const context = await newContext(browser);
  t.after(() => context.close());
  const page = await context.newPage();
  const watch = watchProblems(page);

  await login(page, url, 'samordnare@exempla.se');
  const nav = page.getByRole('navigation', { name: NAV });
  const items = await nav.getByRole('link').allInnerTexts();
  assert.ok(!items.includes('Användare'), `no "Användare" in ${JSON.stringify(items)}`);
  assert.ok(!items.includes('Loggbok'), `no "Loggbok" in ${JSON.stringify(items)}`);
  assert.ok(items.includes('Start'));
  assert.equal(await page.locator('header .who').getByRole('link', { name: 'Mitt konto' }).count(), 1, 'the account is reached from the header');
  await screenshot(page, 'authz-coordinator-home');

  for (const p of ['/users', '/audit', '/users/new']) {
    const res = await page.goto(url + p);
    assert.equal(res.status(), 403, `GET ${p} as coordinator`);
    assert.equal(await page.locator('h1').innerText(), 'Du har inte behörighet till det här');
    assert.match(await page.getByRole('alert').innerText(), /Felkod: 403/);
  }
  await checkA11y(page, '403 page');
  await screenshot(page, 'authz-403');

  // The tree starts at their own administration.
  await page.goto(`${url}/orgs`);
  assert.deepEqual(await page.locator('ul.tree > li > a').allInnerTexts(), ['Socialförvaltningen']);
  watch.assertNone('coordinator');
});

test('anonymous visitors are sent to the login page and come back after logging in', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { url, browser } = await startLisa(t, 'authz-anonymous');
  const context = await newContext(browser);
  t.after(() => context.close());
  const page = await context.newPage();
  const watch = watchProblems(page);

  for (const p of ['/orgs', '/', '/users', '/audit', '/account']) {
    const res = await page.goto(url + p);
    assert.equal(res.status(), 200);
    assert.equal(pathOf(page), '/login', `GET ${p} anonymously ends on the login page`);
    assert.equal(res.request().redirectedFrom()?.url(), url + p, `${p} redirected`);
  }
  // No navigation and no logout button for anonymous visitors.
  assert.equal(await page.getByRole('navigation', { name: NAV }).count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Logga ut' }).count(), 0);

  await page.goto(`${url}/orgs`);
  assert.equal(new URL(page.url()).searchParams.get('next'), '/orgs');
  await page.locator('#f-email').fill('ciso@exempla.se');
  await page.locator('#f-password').fill(process.env.LISA_DEMO_PASSWORD ?? 'demo-lösenord-2026');
  await Promise.all([page.waitForURL(`${url}/orgs`), page.getByRole('button', { name: 'Logga in' }).click()]);
  assert.equal(await page.locator('h1').innerText(), 'Organisationer');

  // An outside address in "next" is not followed.
  await context.clearCookies();
  await page.goto(`${url}/login?next=//evil.example/`);
  await page.locator('#f-email').fill('ciso@exempla.se');
  await page.locator('#f-password').fill(process.env.LISA_DEMO_PASSWORD ?? 'demo-lösenord-2026');
  await Promise.all([page.waitForURL(`${url}/`), page.getByRole('button', { name: 'Logga in' }).click()]);
  watch.assertNone('anonymous');
});

test('a wrong password shows the Swedish error message and keeps the address', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { url, browser } = await startLisa(t, 'authz-login');
  const context = await newContext(browser);
  t.after(() => context.close());
  const page = await context.newPage();
  const watch = watchProblems(page);

  let res = await login(page, url, 'admin@exempla.se', 'fel lösenord');
  assert.equal(res.status(), 401);
  assert.equal(pathOf(page), '/login');
  const summary = page.locator('#error-summary');
  assert.equal(await summary.getByRole('listitem').innerText(), 'E-postadressen eller lösenordet är fel.');
  assert.equal(await page.locator('#f-email').inputValue(), 'admin@exempla.se');
  assert.equal(await page.locator('#f-password').inputValue(), '', 'the password is not sent back');
  assert.equal(await page.locator('#f-email').getAttribute('aria-invalid'), 'true');
  await checkA11y(page, 'login with error');
  await screenshot(page, 'login-error');

  // An unknown address gets the very same answer (no account enumeration).
  res = await login(page, url, 'finns.inte@exempla.se', 'fel lösenord');
  assert.equal(res.status(), 401);
  assert.equal(await summary.getByRole('listitem').innerText(), 'E-postadressen eller lösenordet är fel.');

  // Not logged in after it.
  res = await page.goto(`${url}/orgs`);
  assert.equal(pathOf(page), '/login');
  watch.assertNone('login errors');
});

test('a POST without the csrf field, or with a wrong one, is refused with 403', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { url, browser } = await startLisa(t, 'authz-csrf');
  const context = await newContext(browser);
  t.after(() => context.close());
  const page = await context.newPage();

  await login(page, url, 'admin@exempla.se');
  await page.goto(`${url}/orgs/new`);
  const csrf = await csrfOf(page);
  const parentId = await page.locator('#f-parent_id option', { hasText: 'Exempla kommun' }).first().getAttribute('value');
  const org = (name) => ({ name, kind: 'unit', org_number: '', parent_id: parentId });

  // Without the field, and with a wrong token: 403, nothing created.
  let res = await postForm(page, `${url}/orgs`, org('Utan csrf'));
  assert.equal(res.status(), 403);
  res = await postForm(page, `${url}/orgs`, { ...org('Fel csrf'), csrf: 'f'.repeat(64) });
  assert.equal(res.status(), 403);
  // The token in a header does not count for a form (that is for the JSON API).
  res = await postForm(page, `${url}/orgs`, org('Csrf i huvud'), { headers: { 'x-csrf-token': csrf } });
  assert.equal(res.status(), 403);
  // A right token from another site is refused too.
  res = await postForm(page, `${url}/orgs`, { ...org('Annan sajt'), csrf }, { headers: { origin: 'https://evil.example' } });
  assert.equal(res.status(), 403);
  // Logging out needs the token as well.
  res = await postForm(page, `${url}/logout`, {});
  assert.equal(res.status(), 403);

  await page.goto(`${url}/orgs`);
  assert.equal(pathOf(page), '/orgs', 'still logged in');
  for (const name of ['Utan csrf', 'Fel csrf', 'Csrf i huvud', 'Annan sajt']) {
    assert.equal(await page.getByRole('link', { name }).count(), 0, `"${name}" was not created`);
  }

  // The same request with the right token works: the 403s were the CSRF check.
  res = await postForm(page, `${url}/orgs`, { ...org('Med csrf'), csrf });
  assert.equal(res.status(), 303);
  await page.goto(`${url}/orgs`);
  assert.equal(await page.getByRole('link', { name: 'Med csrf' }).count(), 1);
});

test(
  'a form refused by the CSRF check shows the error page, not a blank one',
  { timeout: TEST_TIMEOUT_MS },
  async (t) => {
    const { url, browser } = await startLisa(t, 'authz-csrf-page');
    const context = await newContext(browser);
    t.after(() => context.close());
    const page = await context.newPage();
    await login(page, url, 'admin@exempla.se');
    await page.goto(`${url}/orgs/new`);
    // A stale form: the token no longer matches (as after logging in elsewhere).
    await page.locator('main form input[name=csrf]').evaluate((el) => {
      el.value = '0'.repeat(64);
    });
    await page.locator('#f-name').fill('Gammalt formulär');
    const [res] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Lägg till' }).click()]);
    assert.equal(res.status(), 403);
    await screenshot(page, 'authz-csrf-refused');
    assert.equal(await page.locator('h1').innerText(), 'Formuläret kunde inte skickas');
    assert.match(await page.getByRole('alert').innerText(), /Felkod: 403/);
    // Still logged in: the header shows who, with the full navigation.
    assert.match(await page.locator('header').innerText(), /Inloggad som/);
    await checkA11y(page, 'csrf refused');
  },
);
