import { launchBrowser, newContext, login } from './helpers.mjs';
const url = 'http://127.0.0.1:8123';
const browser = await launchBrowser();
for (const who of ['ciso@exempla.se', 'admin@exempla.se']) {
const ctx = await newContext(browser);
const page = await ctx.newPage();
await login(page, url, who);
const r = await page.evaluate(() => { const ul = document.querySelector('.main-nav ul'); const cs = getComputedStyle(ul); return { w: ul.clientWidth, pad: cs.paddingLeft, items: [...ul.querySelectorAll('a')].map((a) => Math.round(a.getBoundingClientRect().width)) }; });
console.log(who, JSON.stringify(r), r.items.reduce((a, b) => a + b, 0) + 4 * (r.items.length - 1));
}
await browser.close();
