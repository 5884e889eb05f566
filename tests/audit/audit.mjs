#!/usr/bin/env node
// The audits of issue 14 on an already-built pufa site:
//
//   node tests/audit/audit.mjs --site DIR --base /hgz/ [--only axe,lighthouse,nu,requests,weight]
//        [--pages home,article,...] [--modes default,white,black,blue,yellow,elder,default@phone,elder@phone]
//
// - axe:        axe-core on every page type, in every display mode: 0 violations of any impact
//               (7:1 contrast, `color-contrast-enhanced`, in the colour modes); every visible
//               control (links in running text excepted) measures at least 44×44 CSS px,
//               60×60 in elder mode;
// - lighthouse: Lighthouse 12 mobile on home, an article, an event, a lesson and a law page:
//               accessibility, best practices and SEO 100 (performance printed, goal ≥ 95);
// - nu:         the Nu HTML checker on every HTML file of the site: 0 errors;
// - requests:   no page checked asks another host for anything, in any mode;
// - weight:     the home page on a phone, scrolled to the end, transfers ≤ 100 KB.
//
// The site is served here, on 127.0.0.1 under the base path, without compression, and one
// Debian chromium (through playwright-core) serves every check. Everything prints as tables
// at the end; the exit status is 0 when every check passed, 1 when one failed, 2 when the
// audit could not run (usage, a missing tool) and 3 when the watchdog stopped it.
// scripts/audit.sh builds the demo site and runs this; scripts/test.sh installs the tools.

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MODULES = path.join(HERE, 'node_modules');
const AXE = path.join(MODULES, 'axe-core/axe.min.js');
const VNU = path.join(MODULES, 'vnu-jar/build/dist/vnu.jar');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync',
];

const CHECKS = ['axe', 'lighthouse', 'nu', 'requests', 'weight'];
const usesBrowser = (checks) => ['axe', 'lighthouse', 'requests', 'weight'].some((c) => checks.has(c));
// How each display mode is set: the keys the theme's head script (js/prefs.js) reads from
// localStorage before first paint, and the attributes it then puts on <html>.
const MODES = {
  default: {},
  white: { colour: 'white' },   // 白底黑字
  black: { colour: 'black' },   // 黑底黄字
  blue: { colour: 'blue' },     // 蓝底白字
  yellow: { colour: 'yellow' }, // 黄底黑字
  elder: { elder: true },       // 长者模式
  // The same two on a phone, where the header is a menu button and two rows.
  'default@phone': { phone: true },
  'elder@phone': { elder: true, phone: true },
};
const LIGHTHOUSE_PAGES = ['home', 'article', 'event', 'lesson', 'law'];
const LIGHTHOUSE_GATES = ['accessibility', 'best-practices', 'seo'];
const PERFORMANCE_GOAL = 95;
const WEIGHT_LIMIT = 102_400;
const ELDER_TARGET = 60; // px, every control in elder mode
const TARGET = 44; // px, every control in the other modes (links in running text excepted, as WCAG 2.5.8 allows)
const targetOf = (mode) => (MODES[mode].elder ? ELDER_TARGET : TARGET);
const DESKTOP = { width: 1280, height: 900 }; // the axe pass's window
const PHONE = { viewport: { width: 412, height: 915 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const AXE_WORKERS = 3; // pages audited at once in the one browser (2 cores: more only queue)
const WATCHDOG_MINUTES = 12;

const failures = [];
const notes = [];
const fail = (what) => failures.push(what);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** `promise`, or a rejection naming `what` once `secs` seconds have passed. */
function within(secs, what, promise) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${secs} s waiting for ${what}`)), secs * 1000);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------
// Command line

function usage(message) {
  console.error(`audit.mjs: ${message}
usage: node tests/audit/audit.mjs --site DIR --base /hgz/ [--only ${CHECKS.join(',')}]
       [--pages NAME,...] [--modes ${Object.keys(MODES).join(',')}]`);
  process.exit(2);
}

/** A comma-separated option as a list, every item one of `known`. */
function listOption(value, known, what) {
  if (value === undefined) return known;
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = items.filter((i) => !known.includes(i));
  if (unknown.length) usage(`unknown ${what}: ${unknown.join(', ')} (known: ${known.join(', ')})`);
  return items;
}

function options() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        site: { type: 'string' }, base: { type: 'string' }, only: { type: 'string' },
        pages: { type: 'string' }, modes: { type: 'string' },
      },
    }));
  } catch (e) {
    usage(e.message);
  }
  if (!values.site || !existsSync(path.join(values.site, 'index.html'))) {
    usage('--site must be a built site (a folder with index.html)');
  }
  const base = values.base ?? '/';
  if (!base.startsWith('/') || !base.endsWith('/')) usage('--base must start and end with /');
  return {
    site: path.resolve(values.site),
    base,
    checks: new Set(listOption(values.only, CHECKS, 'check')),
    pages: values.pages?.split(',').map((s) => s.trim()).filter(Boolean),
    modes: listOption(values.modes, Object.keys(MODES), 'mode'),
  };
}

/** The tools the chosen checks need; a missing one stops the audit before it starts. */
function checkTools(checks) {
  const missing = [];
  // playwright-core stops at once on an older Node.js.
  if (Number(process.versions.node.split('.')[0]) < 20) missing.push(`Node.js 20 or later (this is ${process.version})`);
  const browser = usesBrowser(checks);
  if (browser && !existsSync(CHROMIUM)) missing.push(`${CHROMIUM} (Debian package chromium)`);
  if (browser && !existsSync(path.join(MODULES, 'playwright-core'))) missing.push('playwright-core (npm)');
  if (checks.has('axe') && !existsSync(AXE)) missing.push('axe-core (npm)');
  if (checks.has('lighthouse') && !existsSync(path.join(MODULES, 'lighthouse'))) missing.push('lighthouse (npm)');
  if (checks.has('nu') && !existsSync(VNU)) missing.push('vnu-jar (npm)');
  if (checks.has('nu') && !onPath('java')) missing.push('java (Debian package default-jre-headless)');
  if (missing.length) {
    console.error(`audit.mjs: missing ${missing.join(', ')}: run scripts/test.sh (it installs them)`);
    process.exit(2);
  }
}

function onPath(program) {
  return (process.env.PATH ?? '').split(path.delimiter).some((d) => existsSync(path.join(d, program)));
}

// ---------------------------------------------------------------------------------------
// The site, served as a static host would: DIR under the base path, no compression.

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json', '.gz': 'application/gzip', '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8', '.ics': 'text/calendar; charset=utf-8',
  '.svg': 'image/svg+xml', '.webp': 'image/webp', '.png': 'image/png', '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.ico': 'image/x-icon', '.pdf': 'application/pdf',
  '.mp4': 'video/mp4', '.webm': 'video/webm', '.mp3': 'audio/mpeg', '.m4a': 'audio/mp4',
  '.vtt': 'text/vtt; charset=utf-8', '.woff2': 'font/woff2',
};

/** Serve `dir` at http://127.0.0.1:PORT`base`; resolves to { origin, url(path), close() }. */
async function serve(dir, base) {
  const notFound = existsSync(path.join(dir, '404.html')) ? await readFile(path.join(dir, '404.html')) : Buffer.from('not found');
  const server = http.createServer((req, res) => {
    answer(req, res).catch((e) => {
      res.writeHead(500);
      res.end(String(e));
    });
  });
  const answer = async (req, res) => {
    const send = (status, headers, body) => {
      res.writeHead(status, { 'Content-Length': body.length, ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const missing = () => send(404, { 'Content-Type': TYPES['.html'] }, notFound);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, {}, Buffer.from('GET only'));
    let rel;
    try {
      const pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      if (pathname + '/' === base) return send(301, { Location: base }, Buffer.alloc(0));
      if (!pathname.startsWith(base) || pathname.includes('\0')) return missing();
      rel = pathname.slice(base.length);
    } catch {
      return send(400, {}, Buffer.from('bad address'));
    }
    let file = path.join(dir, rel);
    if (file !== dir && !file.startsWith(dir + path.sep)) return missing();
    let info = statSync(file, { throwIfNoEntry: false });
    if (info?.isDirectory()) {
      // A folder is its index.html, and only at its address with the slash.
      if (!rel.endsWith('/') && rel !== '') return send(301, { Location: req.url.replace(/^([^?]*)/, '$1/') }, Buffer.alloc(0));
      file = path.join(file, 'index.html');
      info = statSync(file, { throwIfNoEntry: false });
    }
    if (!info?.isFile()) return missing();
    const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    send(200, { 'Content-Type': type }, await readFile(file));
  };
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    url: (p) => origin + base + p,
    close: () => server.close(),
  };
}

// ---------------------------------------------------------------------------------------
// Which pages: one of every page type, found from the links of the built site (content file
// names change; pufa's own addresses such as events/calendar/ and …/print/ do not).

/** The site-relative links of a page (inside <main> unless `whole`), as they are written. */
async function linksOn(site, base, page, whole = false) {
  const res = await within(20, `/${page} for its links`, fetch(site.url(page)));
  const html = await res.text();
  const part = whole ? html : (html.match(/<main[\s\S]*<\/main>/)?.[0] ?? '');
  return [...part.matchAll(/href="([^"]*)"/g)]
    .map((m) => m[1].replace(/&amp;/g, '&').replace(/[#?].*$/, ''))
    .filter((h) => h.startsWith(base))
    .map((h) => h.slice(base.length));
}

async function discover(site, base) {
  const pages = [];
  const add = (name, p, extra = {}) => p !== null && pages.push({ name, path: p, ...extra });
  /** The first link of `from` matching `re`, or null (and a failure) when there is none. */
  const pick = async (from, re, what, whole = false) => {
    if (from === null) return null;
    const found = (await linksOn(site, base, from, whole)).find((l) => re.test(l));
    if (found === undefined) fail(`discovery: no link to ${what} on /${from}`);
    return found ?? null;
  };

  add('home', '');
  add('articles', 'articles/');
  add('article', await pick('articles/', /^articles\/(?!page\/)[^/]+\/$/, 'an article'));
  add('events', 'events/');
  const event = await pick('events/', /^events\/(?!page\/|calendar\/|\d{4}\/)[^/]+\/$/, 'an event');
  add('event', event);
  add('event-print', await pick(event, /\/print\/$/, "the event's print view"));
  add('calendar', await pick('events/', /^events\/calendar\/$/, 'the events calendar'));
  add('year', await pick('events/', /^events\/\d{4}\/$/, 'a year archive'));
  add('lessons', 'lessons/');
  const series = await pick('lessons/', /^lessons\/[^/]+\/$/, 'a lesson series');
  add('series', series);
  const lesson = await pick(series, /^lessons\/[^/]+\/[^/]+\/$/, 'a lesson');
  add('lesson', lesson);
  add('lesson-print', await pick(lesson, /\/print\/$/, "the lesson's print view"));
  add('tags', 'tags/');
  add('tag', await pick('tags/', /^tags\/[^/]+\/$/, 'a tag'));
  add('laws', 'laws/');
  await discoverLaws(site, base, add);
  add('page', await pick('', /^(?!(articles|events|lessons|laws|tags|search)\/$)[^/]+\/$/, 'a plain page in the menu', true));
  add('404', 'pufa-audit-no-such-page/', { status: 404 });
  add('search', 'search/');
  add('search-query', `search/?q=${encodeURIComponent('调解')}`, {
    ready: "document.getElementById('pf-search-status')?.textContent.startsWith('找到')",
    readyWhat: '#pf-search-status to start with 找到',
  });
  add('search-word', await searchWordPage(site, base));
  return pages;
}

/** A law in parts (its overview and first part) and a law in one page, from laws/. */
async function discoverLaws(site, base, add) {
  const laws = [...new Set((await linksOn(site, base, 'laws/')).filter((l) => /^laws\/[^/]+\/$/.test(l)))];
  let overview = null, part = null, single = null;
  for (const law of laws) {
    const parts = (await linksOn(site, base, law)).filter((l) => l.startsWith(law) && /^laws\/[^/]+\/[^/]+\/$/.test(l));
    if (parts.length && !overview) [overview, part] = [law, parts[0]];
    if (!parts.length && !single) single = law;
  }
  if (!overview) fail('discovery: no law in parts (a law overview) on /laws/');
  if (!single) fail('discovery: no law in one page on /laws/');
  add('law-overview', overview);
  add('law-part', part);
  add('law', single);
}

/** An everyday word's search page: linked from no page, so taken from the sitemap. */
async function searchWordPage(site, base) {
  const res = await within(20, 'sitemap.xml', fetch(site.url('sitemap.xml')));
  const locs = [...(await res.text()).matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]).pathname);
  const word = locs.find((p) => p.startsWith(base + 'search/') && p !== base + 'search/');
  if (!word) fail('discovery: no search word page (search/<word>/) in sitemap.xml');
  return word ? word.slice(base.length) : null;
}

// ---------------------------------------------------------------------------------------
// The browser

async function freePort() {
  const s = net.createServer();
  await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** One chromium for everything; Lighthouse reaches it through its DevTools port. */
async function launch(debugPort) {
  const { chromium } = await import('playwright-core');
  return within(60, 'chromium to start', chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, `--remote-debugging-port=${debugPort}`],
  }));
}

/** A browser context in `mode`: the mode's localStorage keys are set before any page script. */
async function modeContext(browser, mode, contextOptions = {}) {
  const context = await browser.newContext(contextOptions);
  // Each key is written straight to its value, never removed first: the pages of a context
  // share its storage, and a page whose settings script ran between another page's removal
  // and setting would miss its mode (seen once under load).
  await context.addInitScript(({ colour, elder }) => {
    try {
      if (colour) localStorage.setItem('pf-colour', colour);
      else localStorage.removeItem('pf-colour');
      if (elder) localStorage.setItem('pf-elder', '1');
      else localStorage.removeItem('pf-elder');
    } catch {
      // about:blank and other pages without storage
    }
  }, MODES[mode]);
  return context;
}

/** Records every request a page makes, and fails the ones to another host. */
function watchRequests(page, origin, label, stats) {
  page.on('request', (req) => {
    const url = req.url();
    if (!/^(https?|wss?):/.test(url)) return; // data:, blob:, about: stay in the page
    stats.requests++;
    if (new URL(url).origin !== origin) stats.foreign.push(`${label}: ${url}`);
  });
}

/** Open `target` in a new page of `context`; waits for load and the page's own readiness. */
async function open(context, site, target, label, stats) {
  const page = await context.newPage();
  watchRequests(page, site.origin, label, stats);
  try {
    const res = await page.goto(site.url(target.path), { waitUntil: 'load', timeout: 30_000 })
      .catch(() => { throw new Error(`timed out after 30 s waiting for /${target.path} to load`); });
    const status = res?.status();
    if (status !== (target.status ?? 200)) fail(`${label}: HTTP ${status} for /${target.path} (expected ${target.status ?? 200})`);
    if (target.ready) {
      await page.waitForFunction(target.ready, null, { timeout: 20_000 })
        .catch(() => { throw new Error(`timed out after 20 s waiting for ${target.readyWhat}`); });
    }
    return page;
  } catch (e) {
    await page.close();
    throw e;
  }
}

// ---------------------------------------------------------------------------------------
// axe-core, the modes and the elder-mode target sizes

/**
 * What <html> carries of js/prefs.js's attributes, and whether that is `mode`: colour modes
 * set data-pf-colour to their name, elder mode sets data-pf-elder, the default neither
 * (or data-pf-colour="default").
 */
async function modeSeen(page, mode) {
  const { pfColour, pfElder, offered } = await page.evaluate(() => ({
    ...document.documentElement.dataset,
    offered: !!document.querySelector('script[src*="js/prefs.js"]'),
  }));
  const { colour, elder } = MODES[mode];
  // A page without the settings script (the print views: A4 sheets, shown as printed) has
  // no modes; it is audited as it is.
  const applied = !offered
    || ((colour ? pfColour === colour : pfColour === undefined || pfColour === 'default')
      && (elder ? pfElder !== undefined : pfElder === undefined));
  const seen = offered ? `data-pf-colour=${pfColour ?? '(none)'} data-pf-elder=${pfElder ?? '(none)'}` : 'no js/prefs.js on the page';
  return { applied, seen };
}

async function runAxe(page, axeSource, mode) {
  await page.evaluate(axeSource);
  const rules = MODES[mode].colour ? { 'color-contrast-enhanced': { enabled: true } } : {};
  return within(90, `axe-core on ${page.url()}`, page.evaluate((rules) => axe.run(document, { resultTypes: ['violations'], rules })
    .then((r) => r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({
        target: n.target.join(' '),
        // Contrast findings carry the colours and the ratio: what a theme needs to fix them.
        data: [...n.any, ...n.all, ...n.none].map((c) => c.data).find((d) => d && d.contrastRatio !== undefined),
      })),
    }))), rules));
}

/** Visible controls smaller than `min` px either way (links inside running text excepted). */
function smallControls(page, min) {
  return page.evaluate((min) => {
    const describe = (el) => {
      const parts = [];
      for (let e = el; e && e !== document.body && parts.length < 3; e = e.parentElement) {
        if (e.id) { parts.unshift('#' + e.id); break; }
        parts.unshift(e.localName + [...e.classList].map((c) => '.' + c).join(''));
      }
      return parts.join(' > ');
    };
    const found = [];
    const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]';
    for (const el of document.querySelectorAll(controls)) {
      const style = getComputedStyle(el);
      if (el.matches('a[href]:not([role=button])') && style.display === 'inline') continue;
      // A radio button or check box inside its <label> is tapped through the label.
      const r = ((el.matches('input') && el.closest('label')) || el).getBoundingClientRect();
      // Not shown: no box, visually hidden (1 px clip), or placed outside the page (a skip
      // link until it has the focus).
      const shown = el.checkVisibility({ visibilityProperty: true, opacityProperty: true })
        && r.width > 1 && r.height > 1 && r.bottom + scrollY > 0 && r.right + scrollX > 0;
      if (shown && (r.width < min || r.height < min)) {
        const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ');
        found.push({ selector: describe(el), text: text.slice(0, 24), size: `${Math.round(r.width)}×${Math.round(r.height)}` });
      }
    }
    return found;
  }, min);
}

/**
 * Every page in every mode: axe (when chosen), the mode check, the elder sizes and the
 * requests. Jobs run a few at a time in the one browser.
 */
async function auditPages(browser, site, pages, modes, opts, stats) {
  const axeSource = opts.axe ? await readFile(AXE, 'utf8') : null;
  const contexts = Object.fromEntries(await Promise.all(modes.map(async (m) =>
    [m, await modeContext(browser, m, MODES[m].phone ? PHONE : { viewport: DESKTOP })])));
  const results = {}; // `${page}|${mode}` → { violations, small }
  const seen = Object.fromEntries(modes.map((m) => [m, { applied: 0, pages: 0, attributes: new Set(), missedOn: [] }]));
  const jobs = modes.flatMap((mode) => pages.map((target) => ({ mode, target })));

  const runJob = async ({ mode, target }) => {
    const label = `${target.name} [${mode}]`;
    const page = await open(contexts[mode], site, target, label, stats);
    try {
      const m = await modeSeen(page, mode);
      Object.assign(seen[mode], { applied: seen[mode].applied + m.applied, pages: seen[mode].pages + 1 });
      seen[mode].attributes.add(m.seen);
      if (!m.applied) seen[mode].missedOn.push(target);
      if (!opts.axe) return;
      const result = { violations: await runAxe(page, axeSource, mode), small: [] };
      result.small = await smallControls(page, targetOf(mode));
      results[`${target.name}|${mode}`] = result;
    } finally {
      await page.close();
    }
  };

  const worker = async () => {
    for (let job = jobs.shift(); job; job = jobs.shift()) {
      const label = `${job.target.name} [${job.mode}]`;
      await within(150, `the checks of ${label}`, runJob(job)).catch((e) => fail(`${label}: ${e.message.split('\n')[0]}`));
    }
  };
  await Promise.all(Array.from({ length: AXE_WORKERS }, worker));
  await Promise.all(Object.values(contexts).map((c) => c.close()));
  return { results, seen };
}

function reportModes(seen, prefs) {
  console.log(`\n== Modes: pages whose <html> showed the mode (set through localStorage${prefs ? '' : '; the site has no js/prefs.js, so not checked'}) ==`);
  console.log(table(['mode', 'applied', 'attributes seen'], Object.entries(seen).map(([mode, s]) =>
    [mode, `${s.applied} of ${s.pages}`, [...s.attributes].join(' | ')])));
  // Without the theme's script nothing can apply a mode: every page is audited as it is.
  if (!prefs) {
    if (Object.keys(seen).some((m) => m !== 'default')) notes.push('the site has no js/prefs.js: the colour and elder modes were set in localStorage but nothing applies them, so every mode audited the default look');
    return;
  }
  const missed = new Map(); // page → modes not applied there
  for (const [mode, s] of Object.entries(seen)) {
    for (const target of s.missedOn) missed.set(target, [...(missed.get(target) ?? []), mode]);
  }
  for (const [target, modes] of missed) fail(`modes not applied on ${target.name} ${decodeURI('/' + target.path)}: ${modes.join(', ')} (the Modes table shows what <html> carried)`);
}

// ---------------------------------------------------------------------------------------
// Home page weight on a phone

async function homeWeight(browser, site, stats) {
  const context = await modeContext(browser, 'default', {
    viewport: { width: 412, height: 915 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  });
  const page = await context.newPage();
  watchRequests(page, site.origin, 'home [weight]', stats);
  const files = new Map(); // url → body bytes
  let inFlight = 0, lastActivity = Date.now();
  page.on('request', () => { inFlight++; lastActivity = Date.now(); });
  const done = async (req) => {
    inFlight--;
    lastActivity = Date.now();
    if (new URL(req.url()).origin !== site.origin) return;
    const sizes = await req.sizes().catch(() => null);
    // No compression: the body's size is what went over the wire (headers not counted).
    if (sizes) files.set(req.url(), (files.get(req.url()) ?? 0) + sizes.responseBodySize);
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  try {
    await page.goto(site.url(''), { waitUntil: 'load', timeout: 30_000 });
    await scrollToEnd(page);
    // Network idle: nothing in flight for a second.
    await within(30, 'the home page network to be idle after scrolling', (async () => {
      while (inFlight > 0 || Date.now() - lastActivity < 1000) await sleep(100);
    })());
  } finally {
    await context.close();
  }
  const total = [...files.values()].reduce((a, b) => a + b, 0);
  if (total > WEIGHT_LIMIT) fail(`home page weight ${total} bytes > ${WEIGHT_LIMIT} (100 KB)`);
  const biggest = [...files].sort((a, b) => b[1] - a[1]).map(([url, bytes]) => [decodeURI(new URL(url).pathname), bytes]);
  return { total, biggest };
}

/** Scroll down a screen at a time, slowly enough for lazy images to start loading. */
async function scrollToEnd(page) {
  await within(60, 'the home page to scroll to its end', (async () => {
    for (;;) {
      const atEnd = await page.evaluate(() => {
        window.scrollBy(0, Math.round(innerHeight * 0.8));
        return innerHeight + scrollY >= document.documentElement.scrollHeight - 1;
      });
      await sleep(250);
      if (atEnd) return;
    }
  })());
}

// ---------------------------------------------------------------------------------------
// Lighthouse, one page at a time in the same browser (through its DevTools port)

async function lighthouseRuns(port, site, pages, stats) {
  const { default: lighthouse } = await import('lighthouse');
  const rows = [];
  for (const name of LIGHTHOUSE_PAGES) {
    const target = pages.find((p) => p.name === name);
    if (!target) continue;
    const url = site.url(target.path);
    let lhr;
    try {
      ({ lhr } = await within(120, `Lighthouse on ${name} (/${target.path})`,
        lighthouse(url, { port, logLevel: 'error', onlyCategories: ['performance', ...LIGHTHOUSE_GATES] })));
    } catch (e) {
      fail(`lighthouse ${name}: ${e.message.split('\n')[0]}`);
      continue;
    }
    if (lhr.runtimeError) fail(`lighthouse ${name}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    rows.push(lighthouseRow(name, lhr));
    for (const item of lhr.audits['network-requests']?.details?.items ?? []) {
      if (!/^(https?|wss?):/.test(item.url)) continue;
      stats.requests++;
      if (new URL(item.url).origin !== site.origin) stats.foreign.push(`${name} [lighthouse]: ${item.url}`);
    }
  }
  return rows;
}

/** One page's scores and metrics; a gate category under 100 fails with its audits listed. */
function lighthouseRow(name, lhr) {
  const score = (id) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
  for (const id of LIGHTHOUSE_GATES) {
    if (score(id) === 100) continue;
    const failing = lhr.categories[id].auditRefs
      .filter((ref) => ref.weight > 0 && lhr.audits[ref.id].score !== null && lhr.audits[ref.id].score < 1)
      .map((ref) => `${ref.id}${lhr.audits[ref.id].displayValue ? ` (${lhr.audits[ref.id].displayValue})` : ''}`);
    fail(`lighthouse ${name}: ${lhr.categories[id].title} ${score(id)}: ${failing.join(', ') || 'no weighted audit below 1'}`);
  }
  const metric = (id) => lhr.audits[id]?.displayValue ?? '?';
  return [name, score('performance'), score('accessibility'), score('best-practices'), score('seo'),
    metric('first-contentful-paint'), metric('largest-contentful-paint'), metric('total-blocking-time'),
    metric('cumulative-layout-shift'), metric('speed-index')];
}

// ---------------------------------------------------------------------------------------
// The Nu HTML checker: one JVM over the whole site

const children = new Set();

/** The checker's messages on every HTML file under `dir` (errors only). */
function nuCheck(dir) {
  const child = spawn('java', ['-jar', VNU, '--errors-only', '--format', 'json', '--skip-non-html', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const report = new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; }); // the JSON report comes on stderr
    child.on('error', reject);
    child.on('close', (code) => {
      children.delete(child);
      const start = out.indexOf('{"');
      if (start < 0) return reject(new Error(`the Nu checker gave no report (exit ${code}): ${out.slice(0, 500)}`));
      resolve(JSON.parse(out.slice(start)).messages.map((m) => ({
        file: m.url ? path.relative(dir, fileURLToPath(m.url)) : '(site)',
        line: m.lastLine ?? m.firstLine ?? 0,
        type: m.type,
        message: m.message,
      })));
    });
  });
  return within(240, 'the Nu HTML checker (java -jar vnu.jar)', report).catch((e) => {
    child.kill('SIGKILL');
    throw e;
  });
}

function htmlFiles(dir) {
  return readdirSync(dir, { recursive: true }).filter((f) => f.endsWith('.html')).length;
}

// ---------------------------------------------------------------------------------------
// The report

function table(header, rows) {
  const width = (s) => [...String(s)].reduce((w, c) => w + (c.codePointAt(0) > 0x2e7f ? 2 : 1), 0);
  const cols = header.map((_, i) => Math.max(...[header, ...rows].map((r) => width(r[i] ?? ''))));
  const line = (r) => r.map((c, i) => String(c ?? '') + ' '.repeat(cols[i] - width(c ?? ''))).join('  ').trimEnd();
  return [line(header), line(cols.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function reportAxe(results, pages, modes) {
  const cell = (name, mode) => {
    const r = results[`${name}|${mode}`];
    if (!r) return 'error';
    const nodes = r.violations.reduce((n, v) => n + v.nodes.length, 0);
    const text = r.violations.length ? `${r.violations.length} (${nodes})` : '0';
    return `${text} / ${r.small.length}`;
  };
  console.log(`\n== axe-core: rules violated (elements) per page and mode / controls under ${TARGET}×${TARGET} (${ELDER_TARGET}×${ELDER_TARGET} in elder mode) ==`);
  console.log(table(['page', ...modes], pages.map((p) => [p.name, ...modes.map((m) => cell(p.name, m))])));
  // The same finding in several modes is listed once, with its modes.
  const findings = new Map(); // text → modes
  for (const p of pages) {
    for (const mode of modes) {
      for (const v of results[`${p.name}|${mode}`]?.violations ?? []) {
        const text = `${p.name} ${decodeURI('/' + p.path)}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.length} element(s): ${listed(v.nodes.map(nodeText), 5)}`;
        findings.set(text, [...(findings.get(text) ?? []), mode]);
      }
    }
  }
  for (const [text, inModes] of findings) fail(`axe [${inModes.join(', ')}] ${text}`);
  reportSizes(results, pages, modes);
}

function nodeText(n) {
  const d = n.data;
  return n.target + (d ? ` [${d.fgColor} on ${d.bgColor}, ${d.contrastRatio}:1, needs ${d.expectedContrastRatio}]` : '');
}

function listed(items, max) {
  return items.slice(0, max).join('; ') + (items.length > max ? `; and ${items.length - max} more` : '');
}

/** Controls under the elder-mode size: the ones on several pages (the header) once, then each page's own. */
function reportSizes(results, pages, modes) {
  for (const mode of modes) targetSizes(results, pages, mode);
}

function targetSizes(results, pages, mode) {
  const min = targetOf(mode);
  const key = (s) => `${s.selector} "${s.text}" ${s.size}`;
  const onPages = new Map(); // control → page names
  for (const p of pages) {
    for (const s of results[`${p.name}|${mode}`]?.small ?? []) onPages.set(key(s), new Set([...(onPages.get(key(s)) ?? []), p.name]));
  }
  const shared = [...onPages].map(([k, names]) => [k, [...names]]).filter(([, names]) => names.length > 1);
  if (shared.length) {
    const where = (names) => (names.length > 4 ? `${names.length} pages` : names.join(', '));
    fail(`target sizes [${mode}]: ${shared.length} control(s) under ${min}×${min} on several pages: ${shared.map(([k, names]) => `${k} (${where(names)})`).join('; ')}`);
  }
  for (const p of pages) {
    const own = (results[`${p.name}|${mode}`]?.small ?? []).map(key).filter((k) => onPages.get(k).size === 1);
    const times = new Map(own.map((k) => [k, own.filter((o) => o === k).length]));
    const shown = [...times].map(([k, n]) => (n > 1 ? `${k} (${n} times)` : k));
    if (own.length) fail(`target sizes [${mode}] ${p.name} ${decodeURI('/' + p.path)}: ${own.length} control(s) under ${min}×${min}: ${listed(shown, 8)}`);
  }
}

function reportLighthouse(rows) {
  console.log(`\n== Lighthouse 12 mobile (performance: goal ≥ ${PERFORMANCE_GOAL}, printed only; the others must be 100) ==`);
  console.log(table(['page', 'perf', 'a11y', 'best', 'seo', 'FCP', 'LCP', 'TBT', 'CLS', 'SI'], rows));
  const below = rows.filter((r) => r[1] < PERFORMANCE_GOAL).map((r) => `${r[0]} ${r[1]}`);
  if (below.length) notes.push(`Lighthouse performance below its goal of ${PERFORMANCE_GOAL}: ${below.join(', ')} (a timing on this machine; not a failure)`);
}

function reportNu(messages, fileCount) {
  // With --errors-only every message is an error (a 'non-document-error' when a file could not be read).
  console.log(`\n== Nu HTML checker: ${fileCount} HTML files, ${messages.length} errors ==`);
  for (const m of messages) fail(`nu ${m.file}:${m.line}: ${m.type === 'error' ? '' : `(${m.type}) `}${m.message}`);
}

function reportWeight(weight) {
  console.log(`\n== Home page weight (412×915, DPR 2, scrolled to the end): ${weight.total} bytes (${(weight.total / 1024).toFixed(1)} KB) of ${WEIGHT_LIMIT} ==`);
  console.log(table(['file', 'bytes'], weight.biggest.slice(0, 10)));
}

function reportRequests(stats) {
  console.log(`\n== Requests: ${stats.requests} made by the pages checked, ${stats.foreign.length} to another host ==`);
  for (const r of stats.foreign) fail(`request to another host: ${r}`);
}

// ---------------------------------------------------------------------------------------

async function main() {
  const started = Date.now();
  const opts = options();
  checkTools(opts.checks);
  const { checks } = opts;
  const timings = [];
  const phase = async (name, work) => {
    const t = Date.now();
    try {
      return await work();
    } finally {
      timings.push([name, ((Date.now() - t) / 1000).toFixed(1)]);
    }
  };

  let browser = null;
  const watchdog = setTimeout(() => {
    console.error(`audit.mjs: watchdog: the audit took more than ${WATCHDOG_MINUTES} minutes; stopping the browser and the Nu checker`);
    for (const c of children) c.kill('SIGKILL');
    browser?.close().catch(() => {});
    setTimeout(() => process.exit(3), 2000).unref();
  }, WATCHDOG_MINUTES * 60_000);
  watchdog.unref();

  const site = await serve(opts.site, opts.base);
  console.log(`audit.mjs: serving ${opts.site} at ${site.url('')}`);
  // Only the browser's checks visit pages (the Nu checker reads every file).
  const needsBrowser = usesBrowser(checks);
  let pages = [];
  if (needsBrowser) {
    pages = await phase('discovery', () => discover(site, opts.base));
    if (opts.pages) {
      const unknown = opts.pages.filter((n) => !pages.some((p) => p.name === n));
      if (unknown.length) usage(`unknown page: ${unknown.join(', ')} (found: ${pages.map((p) => p.name).join(', ')})`);
      pages = pages.filter((p) => opts.pages.includes(p.name));
    }
    console.log(table(['page', 'address'], pages.map((p) => [p.name, decodeURI('/' + p.path)])));
  }

  // The Nu checker is a process of its own: it runs while the browser works.
  const nu = checks.has('nu') ? phase('nu (alongside)', () => nuCheck(opts.site)).catch((e) => { fail(`nu: ${e.message}`); return null; }) : null;

  const stats = { requests: 0, foreign: [] };
  let pagePass = null, weight = null, lighthouseRows = null;
  const prefs = existsSync(path.join(opts.site, 'js/prefs.js'));
  if (needsBrowser) {
    const port = await freePort();
    browser = await launch(port);
    try {
      if (checks.has('axe') || checks.has('requests')) {
        pagePass = await phase('pages × modes', () => auditPages(browser, site, pages, opts.modes, { axe: checks.has('axe'), prefs }, stats));
      }
      if (checks.has('weight')) {
        weight = await phase('weight', () => homeWeight(browser, site, stats)).catch((e) => { fail(`weight: ${e.message.split('\n')[0]}`); return null; });
      }
      // Lighthouse times the pages: it runs last, alone, once the Nu checker is done.
      await nu;
      if (checks.has('lighthouse')) lighthouseRows = await phase('lighthouse', () => lighthouseRuns(port, site, pages, stats));
    } finally {
      await within(20, 'chromium to close', browser.close()).catch(() => {});
    }
  }
  const nuMessages = await nu;
  site.close();

  console.log(`\n${'='.repeat(30)} audit figures ${'='.repeat(30)}`);
  if (pagePass) reportModes(pagePass.seen, prefs);
  if (pagePass && checks.has('axe')) reportAxe(pagePass.results, pages, opts.modes);
  if (lighthouseRows) reportLighthouse(lighthouseRows);
  if (nuMessages) reportNu(nuMessages, htmlFiles(opts.site));
  if (weight) reportWeight(weight);
  if (needsBrowser) reportRequests(stats);
  timings.push(['total', ((Date.now() - started) / 1000).toFixed(1)]);
  console.log('\n== Time (s) ==');
  console.log(table(['phase', 'seconds'], timings));
  for (const n of notes) console.log(`note: ${n}`);

  if (failures.length) {
    console.log(`\nAUDIT FAILED: ${failures.length} problem(s)`);
    for (const f of failures) console.log(`- ${f}`);
    process.exitCode = 1;
  } else {
    console.log(`\naudit passed: ${[...checks].join(', ')}`);
  }
}

main().catch((e) => {
  console.error(`audit.mjs: ${e.stack ?? e}`);
  process.exit(2);
});
