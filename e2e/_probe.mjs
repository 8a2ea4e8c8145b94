import { launchBrowser, newContext, login, clickAndWait, optionValueByLabel, postForm, csrfOf } from './helpers.mjs';
const url = 'http://127.0.0.1:8123';
const browser = await launchBrowser();
const ctx = await newContext(browser);
const page = await ctx.newPage();
await login(page, url, 'ciso@exempla.se');
await page.goto(url + '/yearwheel');
const add = page.locator('main form[method=post][action="/yearwheel"]');
await add.getByLabel('Rubrik').fill('Månadsavstämning');
await add.getByLabel('Månad').selectOption({ label: 'Februari' });
await add.getByLabel('Dag', { exact: true }).fill('30');
await add.getByLabel('Återkommer').selectOption({ label: 'Varje månad' });
let res = await clickAndWait(page, add.getByRole('button', { name: 'Lägg till aktivitet' }));
console.log(res.status(), page.url());
await page.goto(url + '/yearwheel');
for (const m of ['Februari', 'April', 'Maj']) {
  const li = page.locator('li.month', { has: page.getByRole('heading', { name: new RegExp('^' + m) }) });
  console.log(m, (await li.locator('li', { hasText: 'Månadsavstämning' }).innerText()).replace(/\n/g, ' | '));
}
await page.goto(url + '/account');
await clickAndWait(page, page.getByRole('button', { name: 'Skapa kalenderadress' }));
const feed = await page.getByLabel('Din kalenderadress').inputValue();
const ics = await (await fetch(feed)).text();
const ev = ics.split('BEGIN:VEVENT').find((e) => e.includes('Månadsavstämning'));
console.log(ev);
// account error path
await page.goto(url + '/account');
const pw = page.locator('form[action="/account/password"]');
await pw.getByLabel('Nuvarande lösenord').fill('fel').catch(()=>{});
await page.locator('#f-current').fill('fel'); await page.locator('#f-password').fill('x'); await page.locator('#f-repeat').fill('y');
res = await clickAndWait(page, pw.getByRole('button'));
console.log('pw error', res.status(), 'calendar section:', await page.locator('#calendar-section').count());
await browser.close();
