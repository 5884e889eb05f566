// What scripts/bench_search.sh runs after the builds: cold and warm queries in headless
// Chromium (Debian's /usr/bin/chromium, driven by puppeteer-core), against a loopback
// server that counts the bytes of every response and can hold each one back, for pufa's
// search page and for Pagefind on the same output.
//
//   node search.mjs --site DIR --queries FILE --engine pufa|pagefind [--start PATH] [--limit N]
//
// Prints one JSON object: per condition (plain, +150 ms per request, +150 ms and 6× CPU
// throttling), per query: bytes (stylesheets excluded), requests, sequential round trips
// (from the server's times, in the run with the delay), milliseconds from submit to the
// first results shown, the number of results; and the warm second query's milliseconds.

import http from "node:http";
import zlib from "node:zlib";
import fs from "node:fs";
import path from "node:path";
import puppeteer from "puppeteer-core";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => {
    if (a.startsWith("--")) acc.push([a.slice(2), all[i + 1]]);
    return acc;
  }, []),
);
const root = path.resolve(args.site);
const engine = args.engine;
const queries = fs
  .readFileSync(args.queries, "utf8")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith("#"))
  .slice(0, Number(args.limit || 1e9));
const DELAY = 150;
const TYPING = Number(process.env.TYPING || 1000);

// --- the server ---
const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript",
  ".css": "text/css", ".json": "application/json", ".wasm": "application/wasm",
  ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".webp": "image/webp",
  ".xml": "application/xml",
};
let log = [];
let delay = 0;
const server = http.createServer((req, res) => {
  const start = performance.now();
  let p = decodeURIComponent(new URL(req.url, "http://x").pathname);
  let file = path.join(root, p);
  if (!file.startsWith(root)) file = root;
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
  const send = () => {
    let body, status = 200;
    try {
      body = fs.readFileSync(file);
    } catch {
      status = 404;
      body = Buffer.from("not found");
    }
    const type = TYPES[path.extname(file)] || "application/octet-stream";
    const headers = { "Content-Type": type, "Cache-Control": "no-store" };
    // Text is sent gzipped when the browser asks, as any production server does.
    if (/^(text|application\/(json|xml))/.test(type) && /gzip/.test(req.headers["accept-encoding"] || "")) {
      body = zlib.gzipSync(body, { level: 6 });
      headers["Content-Encoding"] = "gzip";
    }
    headers["Content-Length"] = body.length;
    if (engine === "pufa") headers["Content-Security-Policy"] = "script-src 'self'";
    res.writeHead(status, headers);
    res.end(body, () => log.push({ url: p, start, end: performance.now(), bytes: body.length, status }));
  };
  if (delay) setTimeout(send, delay); else send();
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}`;

// Sequential round trips: the longest chain of requests each sent after the one before
// it was answered.
function roundTrips(entries) {
  const sorted = [...entries].sort((a, b) => a.start - b.start);
  const depth = [];
  let most = 0;
  sorted.forEach((r, i) => {
    let d = 1;
    for (let j = 0; j < i; j++) if (sorted[j].end <= r.start) d = Math.max(d, depth[j] + 1);
    depth.push(d);
    most = Math.max(most, d);
  });
  return most;
}

// --- the engines: how to submit a query and how to tell the results are shown ---
const ENGINES = {
  pufa: {
    start: args.start || "/articles/",
    field: "#pf-header-q",
    submit: (q) => `(() => { const i = document.getElementById('pf-header-q'); i.value = ${JSON.stringify(q)};
      setTimeout(() => i.form.requestSubmit(), 0); return true; })()`,
    done: (q) => `(() => { const l = document.getElementById('pf-search-results');
      return !!l && l.getAttribute('data-query') === ${JSON.stringify(q)}; })()`,
    count: `(() => { const m = /找到 (\\d+)/.exec(document.getElementById('pf-search-status').textContent);
      return m ? Number(m[1]) : 0; })()`,
    again: (q) => `(() => { document.getElementById('pf-search-q').value = ${JSON.stringify(q)};
      document.querySelector('#pf-search form').requestSubmit(); return true; })()`,
  },
  pagefind: {
    start: "/pagefind-bench/",
    field: "#q",
    submit: (q) => `(() => { document.getElementById('q').value = ${JSON.stringify(q)};
      document.getElementById('f').requestSubmit(); return true; })()`,
    done: (q) => `document.getElementById('r').getAttribute('data-query') === ${JSON.stringify(q)}`,
    count: `Number(document.getElementById('r').getAttribute('data-count'))`,
    again: (q) => `(() => { document.getElementById('q').value = ${JSON.stringify(q)};
      document.getElementById('f').requestSubmit(); return true; })()`,
  },
};
const E = ENGINES[engine];

const browser = await puppeteer.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync"],
});

async function waitFor(page, js, ms, what) {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    if (await page.evaluate(js).catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

// One cold query in a fresh browser context; with `second`, a warm query after it.
async function cold(q, second, throttle) {
  const ctx = await browser.createBrowserContext();
  const page = await ctx.newPage();
  await page.setCacheEnabled(false);
  const cdp = await page.createCDPSession();
  if (throttle) await cdp.send("Emulation.setCPUThrottlingRate", { rate: 6 });
  await page.goto(base + E.start, { waitUntil: "load", timeout: 60000 });
  log = [];
  // A reader clicks the field and types for a while (TYPING ms) before sending the query:
  // what an engine loads when its field is used counts in the bytes, not in the time or
  // the round trips, which count from the submit.
  await page.click(E.field);
  await new Promise((r) => setTimeout(r, TYPING));
  await page.evaluate("window.__stay = 1");
  const t0 = performance.now();
  await page.evaluate(E.submit(q));
  await waitFor(page, E.done(q), 60000, `results of ${q}`);
  const ms = performance.now() - t0;
  const entries = log.filter((e) => !e.url.endsWith(".css"));
  // (A file the field asked for that was still on its way at the submit counts too.)
  const after = entries.filter((e) => e.end > t0);
  if (process.env.SHOW_REQUESTS) {
    console.error(q + "\n  " + entries.map((e) =>
      `${e.url} ${e.bytes} B, ${Math.round(e.start - t0)}–${Math.round(e.end - t0)} ms`).join("\n  "));
  }
  const out = {
    q, ms: Math.round(ms), count: await page.evaluate(E.count),
    bytes: entries.reduce((s, e) => s + e.bytes, 0), requests: entries.length,
    roundTrips: roundTrips(after),
    // 1 when the results came with a page load (the reader was not there yet).
    loaded: await page.evaluate("window.__stay !== 1") ? 1 : 0,
  };
  if (second) {
    const t1 = performance.now();
    await page.evaluate(E.again(second));
    await waitFor(page, E.done(second), 60000, `results of ${second}`);
    out.warmMs = Math.round(performance.now() - t1);
  }
  await ctx.close();
  return out;
}

const result = { engine, queries: queries.length, conditions: {} };
const CONDITIONS = [["plain", 0, false], ["delay150", DELAY, false], ["delay150_cpu6", DELAY, true]]
  .filter(([name]) => !process.env.ONLY || process.env.ONLY === name);
for (const [name, d, throttle] of CONDITIONS) {
  delay = d;
  const rows = [];
  for (let i = 0; i < queries.length; i++) {
    const second = name === "plain" || name === "delay150_cpu6" ? queries[(i + 1) % queries.length] : null;
    rows.push(await cold(queries[i], second, throttle));
  }
  result.conditions[name] = rows;
}
await browser.close();
server.close();
console.log(JSON.stringify(result));
