// Shared helpers for Lisa's browser end-to-end tests.
//
// Runs against Debian's Chromium (/usr/bin/chromium) through playwright-core,
// which never downloads a browser of its own. Start the whole suite with
// `./scripts/test` from the repository root, or, once `target/debug/lisa` is
// built, with `cd e2e && node --test`.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '..');

export const RESULTS_DIR = path.join(HERE, 'test-results');
export const DEMO_PASSWORD = process.env.LISA_DEMO_PASSWORD ?? 'demo-lösenord-2026';
export const CHROMIUM_PATH = process.env.LISA_CHROMIUM ?? '/usr/bin/chromium';

// Modest timeouts: a page of a server-rendered app on loopback answers in
// milliseconds; anything slower than this is a bug worth failing on.
export const ACTION_TIMEOUT_MS = 10_000;
export const NAVIGATION_TIMEOUT_MS = 20_000;
export const TEST_TIMEOUT_MS = 90_000;

/** A UUID org detail path, e.g. /orgs/0192f0c4-...; not /orgs/new. */
export const ORG_DETAIL_RE = /^\/orgs\/[0-9a-f-]{36}$/;

function lisaBin() {
  if (process.env.LISA_BIN) return path.resolve(REPO_ROOT, process.env.LISA_BIN);
  const targetDir = process.env.CARGO_TARGET_DIR
    ? path.resolve(REPO_ROOT, process.env.CARGO_TARGET_DIR)
    : path.join(REPO_ROOT, 'target');
  return path.join(targetDir, 'debug', 'lisa');
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no server log)';
  }
}

/**
 * Starts `lisa serve --demo` on a free port with a fresh data dir.
 * Resolves to { url, logFile, stop() } once GET /healthz answers 200.
 * The server's stdout/stderr go to e2e/test-results/NAME.server.log
 * (also to this process's stderr when LISA_E2E_VERBOSE=1).
 */
export async function startServer({ name = 'e2e', timeoutMs = 60_000 } = {}) {
  const bin = lisaBin();
  if (!fs.existsSync(bin)) {
    throw new Error(`Lisa binary not found at ${bin}: run \`cargo build -p lisa\` or set LISA_BIN`);
  }
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lisa-e2e-'));
  const logFile = path.join(RESULTS_DIR, `${name}.server.log`);
  const log = fs.openSync(logFile, 'w');
  const url = `http://127.0.0.1:${port}`;

  const verbose = process.env.LISA_E2E_VERBOSE === '1';
  const child = spawn(bin, ['serve', '--data-dir', dataDir, '--bind', `127.0.0.1:${port}`, '--demo', '--check-layout'], {
    cwd: REPO_ROOT,
    // Cookies stay `Secure`: Chromium treats http://127.0.0.1 as a secure
    // context, so it keeps and sends them over plain HTTP on loopback.
    env: { ...process.env, LISA_DEMO_PASSWORD: DEMO_PASSWORD },
    stdio: ['ignore', verbose ? 'pipe' : log, verbose ? 'pipe' : log],
  });
  if (verbose) {
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (chunk) => {
        fs.writeSync(log, chunk);
        process.stderr.write(chunk);
      });
    }
  }
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });
  const killOnExit = () => {
    if (!exited) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      // The grace timer must not keep Node alive once the server has exited
      // (an unreferenced 10 s timer would delay the end of every test file).
      let timer;
      const grace = new Promise((resolve) => {
        timer = setTimeout(() => resolve(null), 10_000);
      });
      const done = await Promise.race([exitPromise, grace]);
      clearTimeout(timer);
      if (!done) {
        child.kill('SIGKILL');
        await exitPromise;
      }
    }
    process.off('exit', killOnExit);
    try {
      fs.closeSync(log);
    } catch {
      // already closed
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    if (exited) {
      await stop();
      throw new Error(
        `lisa serve exited early (code ${exited.code}, signal ${exited.signal}); log ${logFile}:\n${tail(logFile)}`,
      );
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return { url, port, dataDir, logFile, stop };
      lastError = `GET /healthz answered ${res.status}`;
    } catch (err) {
      lastError = String(err?.cause?.code ?? err?.message ?? err);
    }
    await sleep(200);
  }
  await stop();
  throw new Error(`lisa serve not healthy after ${timeoutMs} ms (${lastError}); log ${logFile}:\n${tail(logFile)}`);
}

/** Launches Debian's Chromium headless. Never downloads a browser. */
export function launchBrowser() {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install chromium (./scripts/test does)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-quic',
      '--disable-sync',
    ],
  });
}

/**
 * A fresh browser context (own cookie jar) with modest timeouts.
 *
 * bypassCSP defaults to false: the page runs under Lisa's own strict
 * Content-Security-Policy, exactly as a user sees it. checkA11y() does not
 * need a bypass, since it evaluates axe-core through the DevTools protocol,
 * which the page's CSP does not govern.
 */
export async function newContext(browser, { bypassCSP = false, ...options } = {}) {
  const context = await browser.newContext({
    bypassCSP,
    locale: 'sv-SE',
    viewport: { width: 1280, height: 900 },
    ...options,
  });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
  return context;
}

/** Path of the current page, e.g. "/orgs". */
export function pathOf(page) {
  return new URL(page.url()).pathname;
}

/**
 * Clicks `locator` and waits for the navigation it causes (a form post and
 * its redirects). Returns the response of the page finally shown.
 */
export async function clickAndWait(page, locator) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
  return response;
}

/** The submit button of a form locator. */
export function submitButton(form) {
  return form.locator('button[type=submit], button:not([type]), input[type=submit]').first();
}

/** Submits a form (by clicking its submit button) and waits for the result page. */
export async function submitForm(page, form) {
  return clickAndWait(page, submitButton(form));
}

/**
 * Logs in through the login form. Returns the response of the page shown
 * afterwards (a failed login stays on /login, typically with 4xx).
 */
export async function login(page, url, email, password = DEMO_PASSWORD) {
  await page.goto(`${url}/login`);
  const form = page.locator('form', { has: page.locator('input[name=password]') });
  await form.locator('input[name=email]').fill(email);
  await form.locator('input[name=password]').fill(password);
  return submitForm(page, form);
}

let axeSourceCache = null;
function axeSource() {
  axeSourceCache ??= fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return axeSourceCache;
}

/**
 * Runs axe-core on the current page with the WCAG 2.1 A/AA rules and fails
 * with a readable list of violations.
 *
 * axe-core is evaluated through the DevTools protocol (page.evaluate of its
 * source), not added as an inline <script>, so it works under Lisa's strict
 * CSP without bypassCSP and leaves no CSP violation in the console.
 * Needs JavaScript enabled in the context.
 */
export async function checkA11y(page, label = pathOf(page)) {
  const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!hasAxe) await page.evaluate(axeSource());
  const results = await page.evaluate(
    (options) => window.axe.run(document, options),
    { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } },
  );
  const violations = results.violations;
  if (violations.length > 0) {
    await screenshot(page, `a11y-${label}`).catch(() => {});
    const text = violations
      .map((v) => {
        const nodes = v.nodes
          .map((n) => `      - ${n.target.join(' ')}${n.failureSummary ? `\n        ${n.failureSummary.replace(/\n/g, '\n        ')}` : ''}`)
          .join('\n');
        return `  * [${v.impact}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes}`;
      })
      .join('\n');
    assert.fail(`axe: ${violations.length} WCAG 2.1 A/AA violation(s) on ${label} (${page.url()}):\n${text}`);
  }
  return results;
}

/** Saves a full-page screenshot to e2e/test-results/NAME.png (gitignored). */
export async function screenshot(page, name) {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'page';
  const file = path.join(RESULTS_DIR, `${safe}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Runs `fn(page, context)` in a fresh browser context; on failure saves a
 * screenshot NAME-failed.png, then rethrows. Always closes the context.
 */
export async function withPage(browser, name, fn, contextOptions) {
  const context = await newContext(browser, contextOptions);
  const page = await context.newPage();
  try {
    return await fn(page, context);
  } catch (err) {
    await screenshot(page, `${name}-failed`).catch(() => {});
    throw err;
  } finally {
    await context.close();
  }
}

/** The value of the first <option> of `select` whose label contains `text`. */
export async function optionValueByLabel(select, text) {
  const value = await select.evaluate(
    (el, wanted) => [...el.options].find((o) => o.label.includes(wanted) || o.text.includes(wanted))?.value ?? null,
    text,
  );
  assert.ok(value !== null, `no <option> containing "${text}" in ${await select.evaluate((el) => el.outerHTML.slice(0, 400))}`);
  return value;
}


/**
 * Collects what a careful user would notice as breakage on `page`: console
 * errors and warnings (Chromium reports Content-Security-Policy violations
 * there), uncaught page errors, failed requests and subresources (CSS, icon)
 * answered with 4xx/5xx.
 *
 * Chromium also logs "Failed to load resource: ... 404" for a *document* that
 * answers with an error status; such a page (a 404 or 403 page) is expected in
 * the tests, and its status is asserted where it is requested, so that message
 * is ignored for documents; subresources are caught by their status instead.
 *
 * Returns { problems, take(), assertNone(label) }.
 */
export function watchProblems(page) {
  const problems = [];
  const documents = new Set();
  page.on('request', (r) => {
    if (r.resourceType() === 'document') documents.add(r.url());
  });
  page.on('console', (m) => {
    if (m.type() !== 'error' && m.type() !== 'warning') return;
    const where = m.location()?.url ?? '';
    if (/^Failed to load resource: the server responded with a status of/.test(m.text()) && documents.has(where)) {
      return;
    }
    problems.push(`console ${m.type()}: ${m.text()}${where ? ` (at ${where})` : ''}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText ?? '';
    // A navigation that replaces the page may cancel a pending icon request.
    if (why === 'net::ERR_ABORTED' && r.resourceType() !== 'stylesheet') return;
    problems.push(`request failed: ${r.method()} ${r.url()} ${why}`);
  });
  page.on('response', (r) => {
    if (r.request().resourceType() !== 'document' && r.status() >= 400) {
      problems.push(`subresource ${r.request().resourceType()} ${r.url()} answered ${r.status()}`);
    }
  });
  return {
    problems,
    /** Returns and forgets the problems seen so far. */
    take() {
      return problems.splice(0, problems.length);
    },
    assertNone(label = pathOf(page)) {
      const seen = problems.splice(0, problems.length);
      assert.deepEqual(seen, [], `browser reported problems on ${label} (${page.url()}):\n  ${seen.join('\n  ')}`);
    },
  };
}

/** Asserts that Lisa's stylesheet was loaded and applied (not blocked by CSP) and lays out the page. */
export async function assertStyled(page) {
  const { bg, mainTop } = await page.evaluate(() => {
    const h = document.querySelector('header.site');
    const m = document.querySelector('main');
    return {
      bg: h ? getComputedStyle(h).backgroundColor : null,
      mainTop: m ? parseFloat(getComputedStyle(m).paddingTop) : null,
    };
  });
  assert.equal(bg, 'rgb(27, 79, 114)', `header not styled on ${page.url()}: lisa.css not applied?`);
  // The content keeps its distance from the menu (main.wrap once lost it to .wrap).
  assert.ok(mainTop >= 16, `main has no top padding on ${page.url()} (${mainTop}px)`);
}

/** Logs out with the "Logga ut" button in the header; ends on the login page. */
export async function logout(page) {
  const button = page.locator('header form[action="/logout"] button');
  const res = await clickAndWait(page, button);
  assert.equal(pathOf(page), '/login', 'after logout the login page is shown');
  return res;
}

/** The CSRF token of the current page (from its first hidden csrf field). */
export async function csrfOf(page) {
  const token = await page.locator('input[type=hidden][name=csrf]').first().getAttribute('value');
  assert.ok(token && token.length > 0, `no csrf field on ${page.url()}`);
  return token;
}

/**
 * POSTs a form body with the page's cookies (page.request shares the
 * context's cookie jar), without following redirects. Returns the response.
 */
export function postForm(page, url, form, options = {}) {
  return page.request.post(url, { form, maxRedirects: 0, failOnStatusCode: false, ...options });
}

/** The href of the link named exactly `name` inside `scope`, e.g. an org in the tree. */
export async function hrefOf(scope, name) {
  const link = scope.getByRole('link', { name, exact: true });
  const n = await link.count();
  assert.equal(n, 1, `expected exactly one link named "${name}", found ${n}`);
  return link.getAttribute('href');
}

/**
 * Starts a fresh Lisa (own data dir and port) and a browser for test `t`;
 * both are stopped when the test ends. Returns { url, server, browser }.
 */
export async function startLisa(t, name) {
  const server = await startServer({ name });
  let browser;
  try {
    browser = await launchBrowser();
  } catch (err) {
    await server.stop();
    throw err;
  }
  t.after(async () => {
    await browser.close().catch(() => {});
    await server.stop();
  });
  return { url: server.url, server, browser };
}

/**
 * Switches the signed-in user's language on /account ('sv' or 'en') through
 * the language form, as a user does.
 */
export async function setLanguage(page, url, lang) {
  await page.goto(`${url}/account`);
  const form = page.locator('form[action="/account/language"]');
  await form.locator('select[name=language]').selectOption(lang);
  const res = await submitForm(page, form);
  assert.equal(res.status(), 200, `changing the language to ${lang}`);
  assert.equal(await page.locator('html').getAttribute('lang'), lang);
}

/** Collapses runs of white space (also line breaks and no-break spaces) to one space. */
export function squash(text) {
  return text.replace(/[\s\u00a0]+/g, ' ').trim();
}

function runTool(cmd, args) {
  const { spawnSync } = require('node:child_process');
  const out = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (out.error) throw new Error(`${cmd} could not run (${out.error.message}); apt-get install ${cmd === 'pdftotext' ? 'poppler-utils' : cmd}`);
  assert.equal(out.status, 0, `${cmd} ${args.join(' ')} failed: ${out.stderr}`);
  return out.stdout;
}

function tempFile(bytes, ext) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lisa-e2e-doc-'));
  const file = path.join(dir, `document.${ext}`);
  fs.writeFileSync(file, bytes);
  return { file, done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The text of a PDF (bytes) as pdftotext (poppler-utils) reads it: `raw`, and
 * `text` with white space collapsed.
 */
export function pdfText(bytes) {
  assert.ok(Buffer.from(bytes).subarray(0, 4).equals(Buffer.from('%PDF')), 'a PDF file');
  const { file, done } = tempFile(bytes, 'pdf');
  try {
    const raw = runTool('pdftotext', ['-enc', 'UTF-8', file, '-']);
    // A word the layout hyphenated at a line's end reads whole again.
    return { raw, text: squash(raw.replace(/\u00ad\s*/g, '')) };
  } finally {
    done();
  }
}

/** The text of a Word document (bytes): word/document.xml read with `unzip -p`, one paragraph a line. */
export function docxText(bytes) {
  assert.ok(Buffer.from(bytes).subarray(0, 2).equals(Buffer.from('PK')), 'a DOCX (zip) file');
  const { file, done } = tempFile(bytes, 'docx');
  try {
    const xml = runTool('unzip', ['-p', file, 'word/document.xml']);
    const raw = xml
      .replace(/<w:tab\s*\/>/g, '\t')
      .replace(/<w:br(\s[^>]*)?\/>|<\/w:p>|<\/w:tc>/g, '\n')
      .replace(/<[^>]+>/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
      .replace(/&amp;/g, '&');
    return { raw, text: squash(raw) };
  } finally {
    done();
  }
}

/** What every page of Lisa has: language, a title, one h1, a main landmark. */
export async function assertPageBasics(page, lang) {
  assert.equal(await page.locator('html').getAttribute('lang'), lang, `html lang on ${page.url()}`);
  const title = await page.title();
  assert.match(title, / – Lisa$/, `title of ${page.url()}`);
  assert.doesNotMatch(title, /[<>]/, `no markup in the title of ${page.url()}`);
  assert.equal(await page.locator('h1').count(), 1, `exactly one h1 on ${page.url()}`);
  assert.equal(await page.locator('main#main').count(), 1, `a main landmark on ${page.url()}`);
}

/**
 * A checker bound to one page: basics, styling, axe and a clean console (the
 * page under Lisa's own CSP), and an optional screenshot; `lang` may be
 * overridden per check after a language switch.
 */
export function pageChecker(page, url, lang = 'sv') {
  const watch = watchProblems(page);
  const check = async (label, { shot, lang: l = lang } = {}) => {
    await assertPageBasics(page, l);
    await assertStyled(page);
    await checkA11y(page, label);
    watch.assertNone(label);
    if (shot) await screenshot(page, shot);
  };
  return {
    watch,
    check,
    async visit(path, { status = 200, shot, label = path, lang: l } = {}) {
      const res = await page.goto(url + path);
      assert.equal(res.status(), status, `GET ${path} answered ${res.status()}, expected ${status}`);
      await check(label, { shot, lang: l });
      return res;
    },
  };
}

/**
 * A new browser context for test `t` (closed when it ends), signed in as
 * `email` on the start page.
 */
export async function userPage(t, browser, url, email, options) {
  const context = await newContext(browser, options);
  t.after(() => context.close());
  const page = await context.newPage();
  const res = await login(page, url, email);
  assert.equal(pathOf(page), '/', `${email} is logged in (${res?.status?.()} at ${page.url()})`);
  return page;
}
