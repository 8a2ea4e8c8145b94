// Long lists and narrow screens: the organisation tree and the action plan
// are searched and paged; every page the CISO opens daily fits a 390 px
// phone without sideways scrolling (wide tables scroll inside their own
// region), and the sub-organisations' table fits a 1366 px screen. Axe-clean
// in Swedish and English.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkA11y,
  clickAndWait,
  login,
  newContext,
  pathOf,
  screenshot,
  setLanguage,
  startLisa,
  submitForm,
} from './helpers.mjs';

const TIMEOUT_MS = 240_000;

test('organisations and actions are found by search, and pages fit a phone', { timeout: TIMEOUT_MS }, async (t) => {
  const { url, browser } = await startLisa(t, 'lists');
  const context = await newContext(browser, { viewport: { width: 1366, height: 900 } });
  t.after(() => context.close());
  const page = await context.newPage();
  await login(page, url, 'ciso@exempla.se');

  // --- Search the tree by name, then by kind. ---
  await page.goto(`${url}/orgs`);
  const search = page.locator('form[role="search"]');
  await search.getByLabel('Sök organisation').fill('social');
  await submitForm(page, search);
  const found = page.locator('ul.found li');
  assert.ok((await found.count()) >= 2, 'Socialnämnden and Socialförvaltningen are found');
  assert.match(await found.filter({ hasText: 'Socialförvaltningen' }).innerText(), /Exempla kommun ›/, 'with where it sits');
  await checkA11y(page, 'organisations found');
  await screenshot(page, 'lists-orgs-found');
  await clickAndWait(page, found.getByRole('link', { name: 'Socialförvaltningen', exact: true }));
  assert.match(pathOf(page), /^\/orgs\/[0-9a-f-]{36}$/);
  await page.goto(`${url}/orgs?kind=company`);
  assert.ok((await page.locator('ul.found li').count()) >= 1, 'the bolag are found by kind');
  assert.equal(await page.locator('ul.found li', { hasText: 'Socialförvaltningen' }).count(), 0);

  // --- Search the plan. ---
  await page.goto(`${url}/plan`);
  const firstTitle = (await page.locator('table.plan tbody tr td a').first().innerText()).trim();
  const word = firstTitle.split(/\s+/).sort((a, b) => b.length - a.length)[0];
  const filters = page.locator('form.filters');
  await filters.getByLabel('Sök i rubrik, mål och aktivitet').fill(word.toUpperCase());
  await submitForm(page, filters);
  const titles = await page.locator('table.plan tbody tr td a').allInnerTexts();
  assert.ok(titles.length >= 1 && titles.some((x) => x.trim() === firstTitle), `"${firstTitle}" is found by ${word}`);
  assert.match(await page.locator('a[href^="/plan.xlsx"]').getAttribute('href'), /q=/, 'the exports take the search');
  await checkA11y(page, 'plan searched');

  // --- The sub-organisations side by side fit a 1366 px screen. ---
  await page.goto(`${url}/orgs`);
  await clickAndWait(page, page.locator('ul.tree').getByRole('link', { name: 'Exempla kommun', exact: true }));
  await clickAndWait(page, page.getByRole('link', { name: 'Självskattningar och utveckling' }));
  const units = page.locator('table.units');
  if ((await units.count()) > 0) {
    await screenshot(page, 'lists-units-1366');
    const w = await units.evaluate((el) => el.getBoundingClientRect().width);
    const main = await page.locator('main').evaluate((el) => el.clientWidth);
    assert.ok(w <= main, `the sub-organisations' table (${w} px) fits the page (${main} px)`);
  }
  const history = page.url();

  // --- English. ---
  await setLanguage(page, url, 'en');
  await page.goto(`${url}/orgs?q=social`);
  assert.equal(await page.locator('h2#h-found').innerText(), 'Matching organisations');
  await checkA11y(page, 'organisations found (en)');
  await setLanguage(page, url, 'sv');

  // --- At 390 px nothing scrolls sideways, on every page the CISO opens daily. ---
  const phone = await newContext(browser, { viewport: { width: 390, height: 844 } });
  t.after(() => phone.close());
  const p = await phone.newPage();
  await login(p, url, 'ciso@exempla.se');
  const paths = ['/', '/orgs', '/orgs?q=social', '/plan', '/assessments', '/reviews', '/rounds', '/audit', '/users', '/yearwheel',
    new URL(history).pathname];
  for (const path of paths) {
    const res = await p.goto(`${url}${path}`);
    assert.equal(res.status(), 200, path);
    const wide = await p.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 390, `${path} fits 390 px (${wide} px wide)`);
    await checkA11y(p, `${path} at 390 px`);
  }
  await p.goto(`${url}/orgs?q=social`);
  await screenshot(p, 'lists-orgs-390');
  await p.goto(`${url}${new URL(history).pathname}`);
  await screenshot(p, 'lists-history-390');
});
