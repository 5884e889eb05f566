#!/usr/bin/env bash
# Issue 13's search benchmark: prints pufa's figures beside Pagefind's on the same output.
#
#   scripts/bench_search.sh     (PAGES=10000, QUERIES=tests/fixtures/search/queries.txt,
#                                LIMIT=N queries only, PUFA_BIN=… another binary)
#
# 1. A corpus of PAGES pages from scripts/gen_corpus.py, with this repository's statute
#    library (content/laws, its everyday-words table included) and `search: true`.
# 2. pufa builds it (release binary) with PUFA_TIMINGS=1: the build's time, the search
#    index's share of it, the index's bytes and files on disk.
# 3. Pagefind 1.6 (npm, pinned in scripts/bench/) indexes a copy of the same output.
# 4. scripts/bench/search.mjs runs every query cold in a fresh Chromium context (cache
#    off), from a page of the site to the first results shown, against a loopback server
#    that gzips text as a production server does, counts the bytes it sends for each
#    response (stylesheets excluded) and, in two of three runs, holds each response back
#    150 ms; the third run adds 6× CPU throttling. It also
#    times a second query in the same page. Round trips are counted from the server's own
#    times in the run with the delay. Each query starts as a reader's does: a click in the
#    search field, TYPING ms (default 1000) of typing, then the submit; what an engine
#    loads when its field is used (pufa's reader and meta.json, Pagefind's init()) counts
#    in the bytes, not in the time or the round trips, which count from the submit. pufa's page is served under
#    `Content-Security-Policy: script-src 'self'`; Pagefind's (it needs wasm) is not, and
#    its query starts on an already loaded page, so its HTML is not counted; pufa's does too
#    once its reader is loaded (the results replace the page's content), else the form
#    opens the search page and its HTML counts (the last figure says how often).
# Needs: python3, node with npm (installs puppeteer-core and pagefind into scripts/bench),
# and Debian's chromium at /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
pages=${PAGES:-10000}
queries=${QUERIES:-tests/fixtures/search/queries.txt}
limit=${LIMIT:-1000000}
bin=${PUFA_BIN:-target/release/pufa}
if [ -z "${PUFA_BIN:-}" ]; then cargo build --release --quiet; fi
if [ ! -d scripts/bench/node_modules/puppeteer-core ] || [ ! -x scripts/bench/node_modules/.bin/pagefind ]; then
  PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix scripts/bench --no-audit --no-fund --loglevel=error
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pufa-search.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
python3 scripts/gen_corpus.py --pages "$pages" --out "$tmp/site" >/dev/null
cp -r content/laws "$tmp/site/content/laws"
printf 'title: 搜索基准站点\nbase_url: https://example.org/\nsearch: true\n' >"$tmp/site/site.yaml"

# pufa's build, timed, and the index's share (the render stage's "search index" step).
PUFA_TIMINGS=1 "$bin" --root "$tmp/site" build --output "$tmp/pufa" 2>"$tmp/timings" >/dev/null
build_ms=$(awk '/\[timings\]/ && !/^\[timings\]  / { for (i = 1; i <= NF; i++) if ($i == "wall") s += $(i - 2) } END { printf "%.0f", s }' "$tmp/timings")
index_ms=$(awk '/\[timings\]   search index/ { for (i = 1; i <= NF; i++) if ($i == "wall") print $(i - 2) }' "$tmp/timings")
# (The everyday words' pages under search/ are pages, not index.)
index_bytes=$(find "$tmp/pufa/search" -type f ! -name index.html -printf '%s\n' | awk '{ s += $1 } END { print s }')
index_files=$(find "$tmp/pufa/search" -type f ! -name index.html | wc -l)

# Pagefind on a copy of the same output, with a page that asks it and shows ten results.
cp -r "$tmp/pufa" "$tmp/pagefind"
rm -rf "$tmp/pagefind/search"
start=$(date +%s%N)
scripts/bench/node_modules/.bin/pagefind --site "$tmp/pagefind" --output-subdir pagefind --silent >/dev/null
pf_ms=$(( ($(date +%s%N) - start) / 1000000 ))
pf_bytes=$(du -sb "$tmp/pagefind/pagefind" | cut -f1)
pf_files=$(find "$tmp/pagefind/pagefind" -type f | wc -l)
mkdir -p "$tmp/pagefind/pagefind-bench"
cat >"$tmp/pagefind/pagefind-bench/index.html" <<'EOF'
<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>Pagefind</title>
<form id="f"><input id="q"><button>搜索</button></form><ol id="r"></ol>
<script type="module">
// Loaded and started when the field is first used, as pufa's reader is (Pagefind's init()
// fetches its wasm and metadata).
let pf = null;
const load = () => pf = pf || import("/pagefind/pagefind.js").then(async (m) => { await m.init(); return m; });
document.getElementById("q").addEventListener("focusin", load);
document.getElementById("f").addEventListener("submit", async (e) => {
  e.preventDefault();
  const q = document.getElementById("q").value;
  const s = await (await load()).search(q);
  const top = await Promise.all(s.results.slice(0, 10).map((r) => r.data()));
  const r = document.getElementById("r");
  r.textContent = "";
  for (const d of top) {
    const li = document.createElement("li");
    li.innerHTML = d.meta.title + " " + d.excerpt;
    r.appendChild(li);
  }
  r.setAttribute("data-count", s.results.length);
  r.setAttribute("data-query", q);
});
</script>
EOF

node scripts/bench/search.mjs --site "$tmp/pufa" --queries "$queries" --limit "$limit" --engine pufa >"$tmp/pufa.json"
node scripts/bench/search.mjs --site "$tmp/pagefind" --queries "$queries" --limit "$limit" --engine pagefind >"$tmp/pagefind.json"

python3 - "$tmp/pufa.json" "$tmp/pagefind.json" "$pages" "$build_ms" "$index_ms" "$index_bytes" "$index_files" "$pf_ms" "$pf_bytes" "$pf_files" <<'EOF'
import json, statistics, sys
pufa, pf = (json.load(open(p)) for p in sys.argv[1:3])
pages, build_ms, index_ms, index_bytes, index_files, pf_ms, pf_bytes, pf_files = sys.argv[3:]

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]

def figures(r):
    plain, delay, cpu = (r["conditions"][k] for k in ("plain", "delay150", "delay150_cpu6"))
    kb = [x["bytes"] / 1024 for x in plain]
    return {
        "bytes per cold query, median (KB)": statistics.median(kb),
        "bytes per cold query, p95 (KB)": pct(kb, 95),
        "round trips to first results, max": max(x["roundTrips"] for x in delay),
        "round trips, median": statistics.median(x["roundTrips"] for x in delay),
        "cold query, median (ms)": statistics.median(x["ms"] for x in plain),
        "cold query +150 ms/request, median (ms)": statistics.median(x["ms"] for x in delay),
        "cold query +150 ms/request, p95 (ms)": pct([x["ms"] for x in delay], 95),
        "same with 6x CPU, median (ms)": statistics.median(x["ms"] for x in cpu),
        "same with 6x CPU, p95 (ms)": pct([x["ms"] for x in cpu], 95),
        "second query in the page, median (ms)": statistics.median(x["warmMs"] for x in plain),
        "second query, 6x CPU, median (ms)": statistics.median(x["warmMs"] for x in cpu),
        "second query, 6x CPU, p95 (ms)": pct([x["warmMs"] for x in cpu], 95),
        "queries that loaded a page, of all runs": sum(x.get("loaded", 0) for x in plain + delay + cpu),
    }

a, b = figures(pufa), figures(pf)
print(f"Search benchmark: {pages} pages (gen_corpus.py with the statute library), {pufa['queries']} queries, headless Chromium")
print(f"{'':44}{'pufa':>12}{'Pagefind 1.6':>14}   pufa's goal")
goals = {
    "bytes per cold query, median (KB)": "<= 30",
    "bytes per cold query, p95 (KB)": "<= 100",
    "round trips to first results, max": "<= 3",
    "cold query +150 ms/request, median (ms)": "<= 700",
    "same with 6x CPU, median (ms)": "<= 1000",
    "second query in the page, median (ms)": "<= 100",
}
for k in a:
    print(f"{k:44}{a[k]:>12.1f}{b[k]:>14.1f}   {goals.get(k, '')}")
share = 100 * float(index_ms) / float(build_ms)
print(f"{'index build (ms)':44}{float(index_ms):>12.0f}{float(pf_ms):>14.0f}   <= 25 % of the build")
print(f"{'  pufa: share of its build':44}{share:>11.1f}%   (build {float(build_ms):.0f} ms)")
print(f"{'index on disk (MB)':44}{int(index_bytes) / 1e6:>12.1f}{int(pf_bytes) / 1e6:>14.1f}   <= 30")
print(f"{'index files':44}{int(index_files):>12}{int(pf_files):>14}")
diff = [(x["q"], x["count"], y["count"]) for x, y in zip(pufa["conditions"]["plain"], pf["conditions"]["plain"]) if x["count"] != y["count"]]
print(f"queries where the result counts differ: {len(diff)} of {pufa['queries']}")
for q, n, m in diff[:12]:
    print(f"  {q}: pufa {n}, Pagefind {m}")
EOF
