#!/usr/bin/env bash
# pufa against Hugo on the same generated site, in one paired run.
#
#   scripts/bench_hugo.sh [PAGES]       default 10000
#
# Generates a site with scripts/gen_corpus.py, copies its content into a Hugo site with
# templates that make what pufa's default theme makes of it (a page per article, event and
# lesson, paginated section lists, tag pages and the tag index, RSS and a sitemap; Hugo's
# own defaults), then builds both into an empty output folder on disk, alternating, RUNS
# times each (the first pair only warms the cache), under GNU time. Prints every run, the
# medians of wall time and peak memory, and pufa's time as a share of Hugo's.
#
# Environment: RUNS (pairs, default 6), PUFA_BIN (skip `cargo build --release`), KEEP=1
# (keep the sites), TMPDIR. Needs hugo (Debian's package: 0.111), python3 and GNU time.
set -euo pipefail

NOW=2026-12-01T00:00:00+08:00
pages=${1:-10000}
runs=${RUNS:-6}
repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
command -v hugo >/dev/null || { echo "bench_hugo.sh: hugo not found (apt-get install hugo)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "bench_hugo.sh: GNU time not found (apt-get install time)" >&2; exit 1; }

pufa=${PUFA_BIN:-}
if [[ -z $pufa ]]; then
  (cd "$repo" && cargo build --release -q)
  pufa=$repo/target/release/pufa
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/pufa-vs-hugo.XXXXXX")
if [[ -z ${KEEP:-} ]]; then trap 'rm -rf "$work"' EXIT; fi
site=$work/pufa
python3 "$repo/scripts/gen_corpus.py" --pages "$pages" --out "$site" >/dev/null
printf 'title: 基准测试站点\nbase_url: https://example.org/\n' >"$site/site.yaml"

# The same content as a Hugo site.
hsite=$work/hugo
mkdir -p "$hsite/layouts/_default" "$hsite/layouts/partials"
cp -r "$site/content" "$hsite/content"
cat >"$hsite/config.yaml" <<'YAML'
baseURL: https://example.org/
title: 基准测试站点
languageCode: zh-CN
hasCJKLanguage: true
paginate: 10
taxonomies:
  tag: tags
disableKinds: []
YAML
cat >"$hsite/layouts/_default/baseof.html" <<'HTML'
<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} - {{ .Site.Title }}</title>
<meta name="description" content="{{ .Summary | plainify | truncate 120 }}">
<meta name="ArticleTitle" content="{{ .Title }}"><meta name="PubDate" content="{{ .Date.Format "2006-01-02 15:04" }}">
<link rel="stylesheet" href="{{ "css/site.css" | relURL }}"></head>
<body>{{ partial "header.html" . }}
<main id="main">{{ block "main" . }}{{ end }}</main>
{{ partial "footer.html" . }}</body></html>
HTML
cat >"$hsite/layouts/partials/header.html" <<'HTML'
<header><a class="skip" href="#main">跳到正文</a><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a>
<nav aria-label="栏目"><ul>{{ range .Site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
<li><a href="{{ "/tags/" | relURL }}">标签</a></li></ul></nav></header>
HTML
cat >"$hsite/layouts/partials/footer.html" <<'HTML'
<footer><p>{{ .Site.Title }}</p></footer>
HTML
cat >"$hsite/layouts/_default/single.html" <<'HTML'
{{ define "main" }}<article><nav aria-label="位置"><a href="{{ "/" | relURL }}">首页</a> › {{ with .Parent }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
<h1>{{ .Title }}</h1><p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006年1月2日" }}</time> · 约 {{ .ReadingTime }} 分钟</p>
{{ with .Params.location }}<p>地点：{{ . }}</p>{{ end }}
{{ with .Params.tags }}<ul class="tags">{{ range . }}<li><a href="{{ "/tags/" | relURL }}{{ . | urlize }}/">{{ . }}</a></li>{{ end }}</ul>{{ end }}
<nav class="toc">{{ .TableOfContents }}</nav>
<div class="prose">{{ .Content }}</div>
{{ with .PrevInSection }}<a rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</article>{{ end }}
HTML
cat >"$hsite/layouts/_default/list.html" <<'HTML'
{{ define "main" }}<h1>{{ .Title }}</h1><ul class="cards">{{ range .Paginator.Pages }}
<li><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p><time>{{ .Date.Format "2006-01-02" }}</time></p><p>{{ .Summary | plainify | truncate 120 }}</p>
{{ with .Params.tags }}<p>{{ range . }}<a href="{{ "/tags/" | relURL }}{{ . | urlize }}/">{{ . }}</a> {{ end }}</p>{{ end }}</li>{{ end }}</ul>
{{ template "_internal/pagination.html" . }}{{ end }}
HTML
cat >"$hsite/layouts/_default/terms.html" <<'HTML'
{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>{{ end }}
HTML
cp "$hsite/layouts/_default/list.html" "$hsite/layouts/_default/taxonomy.html"
cp "$hsite/layouts/_default/list.html" "$hsite/layouts/index.html"

med() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
measure() { # out-file, command…
  local out=$1
  shift
  /usr/bin/time -f "%e %M" -o "$out" "$@" >/dev/null 2>&1 || { echo "bench_hugo.sh: failed: $*" >&2; cat "$out" >&2; exit 1; }
}

echo "pages: $pages; $runs pairs (the first only warms the cache); output into an empty folder on disk"
: >"$work/pufa.times"
: >"$work/hugo.times"
# Deleting ~16,000 files leaves the file system busy for a while (on a volume mounted with
# `discard`, many seconds), which would slow down whichever build comes next: each build
# starts after the deletions are synced and the disk has been idle for a moment.
settle() {
  rm -rf "$@"
  sync
  sleep "${SETTLE:-10}"
}
for ((i = 0; i < runs; i++)); do
  settle "$site/public" "$hsite/public"
  measure "$work/p.t" "$pufa" --root "$site" build --now "$NOW"
  settle "$site/public"
  measure "$work/h.t" hugo --source "$hsite" --quiet
  read -r pt pm <"$work/p.t"
  read -r ht hm <"$work/h.t"
  printf 'run %d: pufa %6.2f s %5d MiB   hugo %6.2f s %5d MiB   ratio %.2f\n' "$i" "$pt" $((pm / 1024)) "$ht" $((hm / 1024)) "$(awk -v a="$pt" -v b="$ht" 'BEGIN {print a / b}')"
  if ((i > 0)); then
    echo "$pt $pm" >>"$work/pufa.times"
    echo "$ht $hm" >>"$work/hugo.times"
  fi
done
pt=$(cut -d' ' -f1 "$work/pufa.times" | med)
ht=$(cut -d' ' -f1 "$work/hugo.times" | med)
pm=$(cut -d' ' -f2 "$work/pufa.times" | med)
hm=$(cut -d' ' -f2 "$work/hugo.times" | med)
printf 'median: pufa %.2f s, %d MiB; hugo %.2f s, %d MiB; pufa/hugo %.2f\n' "$pt" $((${pm%.*} / 1024)) "$ht" $((${hm%.*} / 1024)) "$(awk -v a="$pt" -v b="$ht" 'BEGIN {print a / b}')"
printf 'peak memory, highest pufa run: %d MiB\n' $(($(cut -d' ' -f2 "$work/pufa.times" | sort -n | tail -1) / 1024))
