#!/usr/bin/env bash
# The default theme publishes its search script minified (about 7.2 KB gzipped instead of
# 13.7 KB: every search pays for it). themes/default/src/search.js is the source, the file to
# edit; themes/default/static/js/search.js is what terser (npm, pinned in tests/audit/)
# makes of it, and is committed so that building a site needs no Node.js.
#
#   scripts/minify_js.sh            write the published files from their sources
#   scripts/minify_js.sh --check    fail when a published file is not its source's
#                                   (tests/minified_js.rs runs this)
set -euo pipefail
cd "$(dirname "$0")/.."
terser=tests/audit/node_modules/.bin/terser
if [ ! -x "$terser" ]; then
  npm ci --prefix tests/audit --no-audit --no-fund --loglevel=error
fi
status=0
for name in search; do
  src=themes/default/src/$name.js
  out=themes/default/static/js/$name.js
  made=$("$terser" "$src" --compress --mangle --comments false --format \
    "preamble='// Made by scripts/minify_js.sh from themes/default/src/$name.js: edit that file, then run the script.'")
  if [ "${1:-}" = "--check" ]; then
    if [ "$made" != "$(cat "$out" 2>/dev/null)" ]; then
      echo "$out is not the minified $src: run scripts/minify_js.sh" >&2
      status=1
    fi
  else
    printf '%s\n' "$made" >"$out"
  fi
done
exit $status
