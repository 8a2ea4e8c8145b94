import { launchBrowser, newContext, login } from './helpers.mjs';
const url = 'http://127.0.0.1:8123';
const browser = await launchBrowser();
const ctx = await newContext(browser, { bypassCSP: true });
const page = await ctx.newPage();
await login(page, url, 'ciso@exempla.se');
await page.goto(url + '/plan');
for (const css of process.argv.slice(2)) {
  await page.evaluate((css) => { let s = document.getElementById('xx'); if (!s) { s = document.createElement('style'); s.id = 'xx'; document.head.append(s); } s.textContent = css; }, css);
  const r = await page.evaluate(() => { const t = document.querySelector('table.plan'); return { table: t.scrollWidth, box: t.parentElement.clientWidth, cols: [...t.querySelectorAll('thead th')].map((th) => Math.round(th.getBoundingClientRect().width)) }; });
  console.log(css, JSON.stringify(r));
}
await browser.close();
