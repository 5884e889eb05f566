#!/usr/bin/env bash
# Issue 14's audits (tests/audit/audit.mjs: axe-core in every display mode, Lighthouse mobile,
# the Nu HTML checker, requests to other hosts, the home page's weight) on the demo site,
# built into a temporary folder with the `now` of every test build.
#
#   scripts/audit.sh [AUDIT ARGS]
#       build the demo site (this repository) and audit it; arguments go to audit.mjs
#       (e.g. --only axe --modes default,elder --pages home,law)
#   scripts/audit.sh --plant tests/fixtures/audit/low-contrast [AUDIT ARGS]
#       audit a copy of the demo site with that fixture's defect planted (plant.json): axe
#       only, default mode, home page; it must fail (tests/audit.rs checks that it does)
#
# PUFA_BIN is the pufa binary (default target/debug/pufa). The tools come from
# scripts/test.sh (chromium, a JRE; npm packages pinned in tests/audit/).
# Exit status: audit.mjs's (0 passed, 1 a check failed), 2 when the audit could not run.
set -euo pipefail
cd "$(dirname "$0")/.."

now=2026-12-01T00:00:00+08:00 # the `now` of every test build (tests/common/mod.rs)
pufa=${PUFA_BIN:-target/debug/pufa}

plant=""
if [ "${1:-}" = "--plant" ]; then
  plant=${2:?--plant needs a fixture folder}
  shift 2
fi

if ! command -v node >/dev/null 2>&1; then
  echo "audit.sh: node is missing: run scripts/test.sh (it installs it)" >&2
  exit 2
fi
if [ ! -x "$pufa" ]; then
  echo "audit.sh: no pufa binary at $pufa: build it (cargo build) or set PUFA_BIN" >&2
  exit 2
fi

# The site's base path, from its base_url (https://example.gov.cn/hgz/ → /hgz/).
base=$(sed -n 's|^base_url: *["'\'']\{0,1\}https\{0,1\}://[^/]*\(/[^"'\'' ]*\).*|\1|p' site.yaml)
case "$base" in
  /*/ | /) ;;
  *) echo "audit.sh: could not read the base path from site.yaml's base_url (got '$base')" >&2; exit 2 ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
site=.
args=()
if [ -n "$plant" ]; then
  # A copy of the demo site (with the image cache, so photos are not made again).
  site=$work/site
  mkdir "$site"
  for f in site.yaml content themes static .pufa-cache; do
    [ -e "$f" ] && cp -a "$f" "$site/"
  done
  node tests/audit/plant.mjs "$plant" "$site" || exit 2
  args=(--only axe --modes default --pages home)
fi

if ! "$pufa" --root "$site" build --now "$now" --output "$work/public"; then
  echo "audit.sh: building the site failed" >&2
  exit 2
fi
status=0
node tests/audit/audit.mjs --site "$work/public" --base "$base" "${args[@]}" "$@" || status=$?
exit "$status"
