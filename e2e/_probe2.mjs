import { launchBrowser, newContext, login, clickAndWait, pdfText, docxText } from './helpers.mjs';
const url = 'http://127.0.0.1:8123';
const browser = await launchBrowser();
const ctx = await newContext(browser);
const page = await ctx.newPage();
await login(page, url, 'ciso@exempla.se');
await page.goto(url + '/reviews');
const href = await page.getByRole('link', { name: '2026', exact: true }).getAttribute('href');
await page.goto(url + href);
const NASTY = '#panic("boom") *fet* $x^2$ <b>&amp; "citat" \\ ] [ @ref _under_ `kod`';
await page.locator('#s-proposals textarea').fill(NASTY + '\nAndra raden.');
await clickAndWait(page, page.locator('#s-proposals').getByRole('button', { name: 'Spara kommentaren' }));
const f = page.locator('#decisions form[action$="/decisions"]');
await f.getByLabel('Beslut', { exact: true }).fill(NASTY);
await f.getByLabel('Ansvarig').fill('A & B <c>');
await f.getByLabel('Klart senast').fill('2027-01-01');
await clickAndWait(page, f.getByRole('button', { name: 'Lägg till beslut' }));
for (const ext of ['pdf', 'docx']) {
  const r = await page.request.get(`${url}${href}/report.${ext}`);
  console.log(ext, r.status());
  if (r.status() !== 200) { console.log(await r.text()); continue; }
  const t = ext === 'pdf' ? pdfText(await r.body()) : docxText(await r.body());
  console.log(t.text.includes(NASTY), t.text.includes('A & B <c>'));
  const i = t.text.indexOf('#panic'); console.log(t.text.slice(i - 50, i + 200));
}
await browser.close();
