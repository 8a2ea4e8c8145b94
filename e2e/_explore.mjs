import { launchBrowser, newContext, login, screenshot, checkA11y, watchProblems } from './helpers.mjs';
const url = process.env.U ?? 'http://127.0.0.1:8123';
const who = process.env.WHO ?? 'ciso@exempla.se';
const paths = process.argv.slice(2);
const browser = await launchBrowser();
const ctx = await newContext(browser, process.env.W ? { viewport: { width: +process.env.W, height: 900 } } : {});
const page = await ctx.newPage();
const w = watchProblems(page);
await login(page, url, who);
for (const p of paths) {
  const res = await page.goto(url + p);
  console.log('=====', p, res.status(), page.url());
  if (process.env.TEXT) console.log((await page.locator('main').innerText()).slice(0, +process.env.TEXT));
  if (process.env.HTML) console.log((await page.content()).slice(0, +process.env.HTML));
  if (process.env.SHOT) console.log(await screenshot(page, 'x-' + p));
  if (process.env.ELEM) { let i=0; for (const el of await page.locator(process.env.ELEM).all()) { const f=`test-results/el-${p.replace(/[^A-Za-z0-9]+/g,'_')}-${i++}.png`; await el.screenshot({path:f}); console.log(f); if (i>=(+process.env.MAXEL||3)) break; } }
  if (process.env.AXE) { try { await checkA11y(page, p); console.log('axe ok'); } catch (e) { console.log(e.message); } }
  console.log('problems', w.take());
}
await browser.close();
