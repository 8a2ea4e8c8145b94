import { launchBrowser, newContext, login, pdfText, docxText } from '/work/main/e2e/helpers.mjs';
import fs from 'node:fs';
const url = 'http://127.0.0.1:8123';
const browser = await launchBrowser();
const ctx = await newContext(browser);
const page = await ctx.newPage();
await login(page, url, 'ciso@exempla.se');
for (const p of process.argv.slice(2)) {
  const t0 = Date.now();
  const r = await page.request.get(url + p);
  const b = await r.body();
  console.log(p, r.status(), r.headers()['content-type'], b.length, Date.now() - t0, 'ms');
  fs.writeFileSync('/tmp/out' + p.replace(/[^a-z.]/g, '_'), b);
  if (p.endsWith('.pdf')) console.log(pdfText(b).raw.slice(0, 6000));
  if (p.endsWith('.docx')) console.log(docxText(b).raw.slice(0, 3000));
}
await browser.close();
