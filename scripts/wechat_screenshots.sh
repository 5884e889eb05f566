#!/usr/bin/env bash
# Screenshots of the 公众号 export of one article, one event and one lesson of the demo site
# (the pages of tests/fixtures/wechat/), at a phone's width (390 px) in light mode and in
# the automatic dark mode that Chromium applies to pages (close to WeChat's own, which also
# re-colours inline-styled articles), into docs/wechat/ for the README. Run after a change
# of the export's styles, and look at them. Needs Debian's chromium and a built pufa.
set -euo pipefail
cd "$(dirname "$0")/.."
pufa=${PUFA:-target/debug/pufa}
[ -x "$pufa" ] || cargo build -q
chromium=$(command -v chromium || command -v chromium-browser)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$pufa" export wechat --now 2026-12-01T00:00:00+08:00 --out "$tmp/out" \
  content/articles/fengqiao-jingyan.md content/events/fazhi-jiangzuo-2026-12.md \
  content/lessons/minfadian/01-hunyin-ziyou.md 2>/dev/null
shoot() { # name folder
  local dir="$tmp/out/$2"
  # The fragment as the 公众号 reader shows it: a white column 390 px wide, its images
  # from the export's files.
  {
    echo '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
    echo '<meta name="viewport" content="width=390"><style>body{margin:0;padding:16px;background:#fff}</style></head><body>'
    cat "$dir/article.html"
    echo '</body></html>'
  } > "$dir/page.html"
  for mode in light dark; do
    local flags=()
    [ "$mode" = dark ] && flags=(--force-dark-mode --enable-features=WebContentsForceDark)
    "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
      --disable-component-update --no-first-run --hide-scrollbars "${flags[@]}" \
      --window-size=390,2400 --screenshot="docs/wechat/$1-$mode.png" "file://$dir/page.html" \
      >/dev/null 2>&1
  done
}
shoot article articles-fengqiao-jingyan
shoot event events-fazhi-jiangzuo-2026-12
shoot lesson lessons-minfadian-01-hunyin-ziyou
ls -la docs/wechat
