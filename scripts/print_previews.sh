#!/usr/bin/env bash
# Make the pictures of the print views shown in README.md: build the demo site, serve it
# at its base path, print an event poster and a lesson handout with Chromium's own
# --print-to-pdf, report their page counts (pdfinfo) and turn the first page of each into
# docs/poster.png and docs/handout.png (pdftoppm).
#
#   scripts/print_previews.sh     (needs chromium, poppler-utils, python3 and curl)
set -euo pipefail
repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd -- "$repo"
poster=${POSTER:-events/xianfa-ri-2026}
handout=${HANDOUT:-lessons/minfadian/01-hunyin-ziyou}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pufa-print.XXXXXX")
server=""
cleanup() { [[ -n $server ]] && kill "$server" 2>/dev/null; rm -rf -- "$tmp"; }
trap cleanup EXIT
cargo run --release -q -- build --now 2026-12-01T00:00:00+08:00 --output "$tmp/web/hgz" >&2
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$tmp/web" >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do
  curl -fs "http://127.0.0.1:$port/hgz/" >/dev/null 2>&1 && break
  sleep 0.1
done
mkdir -p docs
for kind in poster handout; do
  page=${!kind}
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --no-first-run --no-pdf-header-footer \
    --user-data-dir="$tmp/profile" --print-to-pdf="$tmp/$kind.pdf" \
    "http://127.0.0.1:$port/hgz/$page/print/" 2>/dev/null
  pages=$(pdfinfo "$tmp/$kind.pdf" | awk '/^Pages:/ {print $2}')
  size=$(pdfinfo "$tmp/$kind.pdf" | sed -n 's/^Page size: *//p')
  pdftoppm -png -r 60 -f 1 -l 1 -singlefile "$tmp/$kind.pdf" "docs/$kind"
  printf '%-8s %s/print/: %s page(s), %s → docs/%s.png\n' "$kind" "$page" "$pages" "$size" "$kind"
done
