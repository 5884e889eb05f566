#!/usr/bin/env bash
# The test command of README.md: installs what the tests need when it is missing (Debian
# packages: chromium for the browser tests, poppler-utils for pdfinfo, python3 with
# python3-icalendar for the calendar files, a CJK font so Chinese text is measured and printed
# with real glyphs, GNU time for the benchmarks, a JRE for the Nu HTML checker, nginx for the
# sample server configuration) and the audit
# tools from npm (tests/audit/: axe-core, Lighthouse, the Nu checker, playwright-core, terser),
# then runs every test with `cargo test`.
# Arguments are passed to `cargo test` (e.g. `scripts/test.sh --test serve`).
# PUFA_NO_INSTALL=1 only reports what is missing and runs the tests anyway.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v python3 >/dev/null 2>&1 || need+=(python3)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdfinfo >/dev/null 2>&1 || need+=(poppler-utils)
# The calendar test reads .ics files back with Python's icalendar (Debian's package is for
# Debian's python3; the test also looks for it there when another python3 comes first).
if ! python3 -c 'import icalendar' >/dev/null 2>&1 \
  && ! /usr/bin/python3 -c 'import icalendar' >/dev/null 2>&1; then
  need+=(python3-icalendar)
fi
[ -x /usr/bin/time ] || need+=(time)
command -v npm >/dev/null 2>&1 || need+=(npm)
command -v exiftool >/dev/null 2>&1 || need+=(libimage-exiftool-perl)
[ -x /usr/sbin/nginx ] || need+=(nginx) # tests/nginx.rs runs scripts/nginx-sample.conf
fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk" || need+=(fonts-wqy-microhei)
# The Nu HTML checker (scripts/audit.sh) is a Java program.
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)

if [ ${#need[@]} -gt 0 ]; then
  if [ -n "${PUFA_NO_INSTALL:-}" ]; then
    echo "scripts/test.sh: missing ${need[*]} (PUFA_NO_INSTALL is set: not installing)" >&2
  else
    echo "scripts/test.sh: installing ${need[*]}" >&2
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    # Slim Debian images have no man folders, and the JRE's setup fails without this one.
    $sudo mkdir -p /usr/share/man/man1
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
fi

# Tools from the npm registry (axe-core, Lighthouse, the Nu checker and playwright-core for the
# audits, terser for the check that the published search script is its source's), pinned by
# tests/audit/package-lock.json.
audit_tools=(axe-core/axe.min.js .bin/terser lighthouse/package.json vnu-jar/build/dist/vnu.jar
  playwright-core/package.json)
missing_tool=""
for t in "${audit_tools[@]}"; do
  [ -e "tests/audit/node_modules/$t" ] || missing_tool=$t
done
if [ -n "$missing_tool" ]; then
  if command -v npm >/dev/null 2>&1; then
    npm ci --prefix tests/audit --no-audit --no-fund --loglevel=error
  else
    echo "scripts/test.sh: npm is missing: the audits and the minified script check will fail" >&2
  fi
fi

cargo test "$@"
