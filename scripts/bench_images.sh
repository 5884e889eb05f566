#!/usr/bin/env bash
# pufa's image processing against Hugo's, on the same 100 phone photos, in one paired run.
#
#   scripts/bench_images.sh [PHOTOS]      default 100
#
# Generates PHOTOS 12-megapixel JPEGs (4032×3024, about 3.2 MB each, with EXIF and GPS) with
# scripts/make_photos.py into a temporary folder (never into the repository), then:
#
# - a pufa site: `pufa init` (its sample content and the statute library) plus one article
#   per photo, content/articles/photo-NNN.md with `cover: photo-NNN.jpg` and the photo in
#   its body, the photo beside it;
# - the same site without images (a copy made before the photos go in: the same articles
#   with no cover, no image line and no photo files);
# - a Hugo site with the photos as page bundles (content/posts/photo-NNN/index.md and
#   photo-NNN.jpg) and one layout that resizes each page's images to the widths 480, 800,
#   1200 and 1600 (those not above the photo's width) in WebP q60 and JPEG q70 (pufa's default qualities), and prints
#   every variant's address in a <picture>, so Hugo cannot skip the work. Originals are not
#   published (neither does pufa by default). Hugo uses its default resampling filter (box)
#   unless HUGO_FILTER says otherwise (e.g. lanczos, CatmullRom).
#
# Then measures (wall time from bash's microsecond clock, CPU time and peak RSS from GNU
# time), printing every run:
#
# 1. RUNS pairs, alternating: pufa cold (`.pufa-cache/` and `public/` deleted first) and
#    Hugo cold (`resources/_gen`, its cache folder and `public/` deleted first); each build
#    starts after the deletions are synced and the disk has been idle for SETTLE seconds;
# 2. WARM_RUNS pairs, alternating: pufa warm (cache and `public/` kept: a rebuild with nothing
#    changed) and pufa on the site without images (also a rebuild into its own `public/`).
#
# and prints the medians, pufa cold as a share of Hugo cold (goal ≤ 0.5×), pufa's highest
# peak memory (goal < 400 MiB), what a warm rebuild adds to the build without images (goal
# ≤ 5 %), the bytes of the photos and of the published images, and how many variants each
# tool wrote (Hugo's are checked: WebP and JPEG for every photo and width).
#
# Environment:
#   RUNS=N          cold pairs (default 3)
#   WARM_RUNS=N     warm / without-images pairs (default 11: they take hundredths of a
#                   second each, so the 5 % goal needs many runs to be told from noise)
#   PUFA_BIN=PATH   benchmark this binary (skips `cargo build --release`)
#   SKIP_PUFA=1     Hugo only (no pufa binary needed): the photos, the Hugo site, RUNS cold
#                   Hugo builds
#   SKIP_HUGO=1     pufa only: cold, warm and without-images runs
#   HUGO_FILTER=F   Hugo's imaging.resampleFilter (default: Hugo's own default, box)
#   SETTLE=S        seconds of idle disk before each cold build (default 10; 0 on tmpfs)
#   KEEP=1          keep the work folder (its path is printed)
#   TMPDIR          where the work folder goes (default /tmp); it needs about 0.7 GB for
#                   100 photos (each photo is hard-linked into both sites)
#
# Needs python3 with Pillow (pip install pillow), hugo extended (Debian's package: 0.111,
# with WebP), and GNU time at /usr/bin/time (Debian package `time`).
set -euo pipefail
export LC_NUMERIC=C # decimal points in bash's clock and awk

NOW=2026-12-01T12:00:00+08:00
TIME=/usr/bin/time
WIDTHS=(480 800 1200 1600)
PHOTO_WIDTH=4032

die() {
  echo "bench_images.sh: $*" >&2
  exit 1
}

repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
count=${1:-100}
runs=${RUNS:-3}
warm_runs=${WARM_RUNS:-11}
settle_s=${SETTLE:-10}
skip_pufa=${SKIP_PUFA:-}
skip_hugo=${SKIP_HUGO:-}
[[ $count =~ ^[1-9][0-9]*$ ]] && ((count <= 999)) || die "PHOTOS must be a number from 1 to 999, not '$count'"
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a number >= 1, not '$runs'"
[[ $warm_runs =~ ^[1-9][0-9]*$ ]] || die "WARM_RUNS must be a number >= 1, not '$warm_runs'"
[[ $settle_s =~ ^[0-9]+$ ]] || die "SETTLE must be a whole number of seconds, not '$settle_s'"
[[ -n $skip_pufa && -n $skip_hugo ]] && die "SKIP_PUFA and SKIP_HUGO together leave nothing to measure"

# What the run needs, with what to do when it is missing.
[[ -x $TIME ]] || die "$TIME not found: install GNU time (apt-get install time)"
"$TIME" -f %e true >/dev/null 2>&1 || die "$TIME is not GNU time (no -f option): apt-get install time"
command -v python3 >/dev/null 2>&1 || die "python3 not found (apt-get install python3)"
python3 -c 'import PIL' 2>/dev/null || die "Pillow is not installed for $(command -v python3): pip install pillow"
if [[ -z $skip_hugo ]]; then
  command -v hugo >/dev/null 2>&1 || die "hugo not found (apt-get install hugo; or run with SKIP_HUGO=1)"
  hugo version 2>/dev/null | grep -q extended ||
    die "$(command -v hugo) is not Hugo extended, which WebP needs: $(hugo version 2>&1 | head -1)"
fi

pufa=
if [[ -z $skip_pufa ]]; then
  pufa=${PUFA_BIN:-}
  if [[ -z $pufa ]]; then
    (cd "$repo" && cargo build --release -q)
    pufa=$repo/target/release/pufa
  fi
  [[ -x $pufa ]] || die "pufa binary not found or not executable: $pufa"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/pufa-images.XXXXXX")
if [[ -z ${KEEP:-} ]]; then
  trap 'rm -rf "$work"' EXIT
else
  echo "work folder (kept): $work"
fi

# --- Photos -----------------------------------------------------------------------------
photos=$work/photos
python3 "$repo/scripts/make_photos.py" --bench "$count" --out "$photos" |
  sed 's/^/make_photos.py: /'

# Put a photo into a site: a hard link where the file system allows it (no copy, the same
# bytes either way; neither tool writes to its sources).
place() { ln -f "$1" "$2" 2>/dev/null || cp "$1" "$2"; }
nnn() { printf '%03d' "$1"; }
body() { # the text of photo article N
  cat <<EOF
这是第 $1 篇图片测试文章。镇司法所在法治文化广场开展普法宣传，工作人员向过往群众发放宣传资料，讲解《民法典》中与日常生活密切相关的规定。

活动现场设置了法律咨询台，律师和人民调解员为群众解答婚姻家庭、邻里纠纷、土地承包等方面的问题。不少群众表示，在家门口就能学到法律知识，很实用。

下一步，镇里将继续把普法宣传和群众身边的事结合起来，让法治观念深入人心。
EOF
}

# --- pufa sites ---------------------------------------------------------------------------
site=$work/pufa
plain=$work/pufa-no-images
if [[ -z $skip_pufa ]]; then
  "$pufa" init "$site" --now "$NOW" >/dev/null || die "pufa init failed"
  cp -a "$site" "$plain"
  for ((i = 1; i <= count; i++)); do
    n=$(nnn "$i")
    {
      printf -- '---\ntitle: 图片测试 %s\ndate: 2026-11-01\ncover: photo-%s.jpg\ncover_alt: 测试照片 %s\n---\n\n' "$n" "$n" "$n"
      body "$n"
      printf '\n![测试照片 %s](photo-%s.jpg)\n' "$n" "$n"
    } >"$site/content/articles/photo-$n.md"
    place "$photos/photo-$n.jpg" "$site/content/articles/photo-$n.jpg"
    {
      printf -- '---\ntitle: 图片测试 %s\ndate: 2026-11-01\n---\n\n' "$n"
      body "$n"
    } >"$plain/content/articles/photo-$n.md"
  done
fi

# --- Hugo site ----------------------------------------------------------------------------
hsite=$work/hugo
hcache=$hsite/.hugo-cache
if [[ -z $skip_hugo ]]; then
  mkdir -p "$hsite/layouts/_default"
  cat >"$hsite/config.yaml" <<YAML
baseURL: https://example.org/
title: 图片基准测试
languageCode: zh-CN
hasCJKLanguage: true
disableKinds: [taxonomy, term, RSS, sitemap, robotsTXT, 404]
${HUGO_FILTER:+imaging:
  resampleFilter: $HUGO_FILTER}
YAML
  # One <picture> per image of the page: every width not above the image's, WebP and JPEG.
  cat >"$hsite/layouts/_default/single.html" <<HTML
<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><h1>{{ .Title }}</h1>
{{ range .Resources.ByType "image" }}{{ \$img := . }}{{ \$webp := slice }}{{ \$jpg := slice }}{{ \$src := "" }}
{{- range slice ${WIDTHS[*]} }}{{ if le . \$img.Width }}
{{- with \$img.Resize (printf "%dx webp q60" .) }}{{ \$webp = \$webp | append (printf "%s %dw" .RelPermalink .Width) }}{{ end }}
{{- with \$img.Resize (printf "%dx jpg q70" .) }}{{ \$jpg = \$jpg | append (printf "%s %dw" .RelPermalink .Width) }}{{ \$src = .RelPermalink }}{{ end }}
{{- end }}{{ end }}
<figure><picture><source type="image/webp" srcset="{{ delimit \$webp ", " }}" sizes="(max-width: 50em) 100vw, 50em">
<img src="{{ \$src }}" srcset="{{ delimit \$jpg ", " }}" sizes="(max-width: 50em) 100vw, 50em" alt="{{ \$.Params.cover_alt }}" loading="lazy"></picture></figure>
{{ end }}
<div>{{ .Content }}</div></body></html>
HTML
  cat >"$hsite/layouts/_default/list.html" <<'HTML'
<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></body></html>
HTML
  cp "$hsite/layouts/_default/list.html" "$hsite/layouts/index.html"
  for ((i = 1; i <= count; i++)); do
    n=$(nnn "$i")
    mkdir -p "$hsite/content/posts/photo-$n"
    {
      printf -- '---\ntitle: 图片测试 %s\ndate: 2026-11-01\ncover: photo-%s.jpg\ncover_alt: 测试照片 %s\n' "$n" "$n" "$n"
      printf -- '_build:\n  publishResources: false\n---\n\n' # no originals: only what the layout uses
      body "$n"
      printf '\n![测试照片 %s](photo-%s.jpg)\n' "$n" "$n"
    } >"$hsite/content/posts/photo-$n/index.md"
    place "$photos/photo-$n.jpg" "$hsite/content/posts/photo-$n/photo-$n.jpg"
  done
fi

# --- Measuring ----------------------------------------------------------------------------
med() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
# GNU time gives peak memory and CPU time, but wall time only to 10 ms, too coarse for a
# rebuild of a few hundredths of a second: that is taken from bash's clock (microseconds).
measure() { # time-file, command…: appends "wall-s peak-KiB cpu-s" to time-file
  local out=$1 start end
  shift
  start=$EPOCHREALTIME
  if ! "$TIME" -f "%e %M %U %S" -o "$work/t" "$@" >"$work/log" 2>&1; then
    echo "bench_images.sh: failed: $*" >&2
    tail -n 30 "$work/log" >&2
    cat "$work/t" >&2
    exit 1
  fi
  end=$EPOCHREALTIME
  tail -n 1 "$work/t" | awk -v s="$start" -v e="$end" '{printf "%.4f %s %.2f\n", e - s, $2, $3 + $4}' >>"$out"
}
last() { tail -n 1 "$1"; }
show() { # label, time-file: the last run, e.g. "pufa cold    12.345 s (CPU  20.10 s)   210 MiB"
  read -r t m c < <(last "$2")
  printf '%-10s %8.3f s (CPU %6.2f s) %5d MiB' "$1" "$t" "$c" $((m / 1024))
}
col() { cut -d' ' -f"$2" "$1" | med; } # median of column 2 (1 = wall, 2 = KiB, 3 = CPU)
mib() { awk -v k="$1" 'BEGIN {printf "%d", k / 1024}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
# Deleting hundreds of megabytes leaves the file system busy for a while (on a volume
# mounted with `discard`, seconds), which would slow down whichever build comes next.
settle() {
  rm -rf "$@"
  sync
  sleep "$settle_s"
}
# Files and bytes of images under a folder, by extension: "N files, X MB (webp N, X MB; …)".
image_stats() {
  find "$1" -type f \( -name '*.webp' -o -name '*.jpg' -o -name '*.jpeg' -o -name '*.png' -o -name '*.avif' \) -printf '%s %f\n' |
    awk '{n++; b += $1; e = $2; sub(/.*\./, "", e); en[e]++; eb[e] += $1}
      END {printf "%d files, %.1f MB", n, b / 1e6; s = " ("; for (e in en) {printf "%s%s %d, %.1f MB", s, e, en[e], eb[e] / 1e6; s = "; "}; if (n) printf ")"}'
}
bytes_of() { find "$1" -type f -printf '%s\n' | awk '{b += $1} END {printf "%.1f MB", b / 1e6}'; }

# The commands measured (GNU time runs programs, not shell functions).
hugo_build=(hugo --source "$hsite" --cacheDir "$hcache" --quiet)
pufa_opts=(--now "$NOW")
usable=0
for w in "${WIDTHS[@]}"; do ((w > PHOTO_WIDTH)) || usable=$((usable + 1)); done
expect=$((count * 2 * usable))
check_hugo() { # Hugo wrote a WebP and a JPEG of every photo at every width, and the pages list them
  local webp jpg pages
  webp=$(find "$hsite/public/posts" -name 'photo-*_resize_*.webp' | wc -l)
  jpg=$(find "$hsite/public/posts" -name 'photo-*_resize_*.jpg' | wc -l)
  pages=$(grep -l 'type="image/webp" srcset="/posts/photo-' "$hsite"/public/posts/*/index.html 2>/dev/null | wc -l)
  if ((webp + jpg != expect || pages != count)); then
    die "Hugo made $webp WebP and $jpg JPEG variants and $pages pages with a <picture>; expected $expect variants and $count pages"
  fi
}

plan="$runs cold runs"
[[ -n $skip_pufa ]] || plan+=", $warm_runs warm pairs"
echo "photos: $count × ${PHOTO_WIDTH}×3024, $(bytes_of "$photos"); $plan; SETTLE=$settle_s s"
: >"$work/pufa-cold.times"
: >"$work/hugo-cold.times"
for ((i = 1; i <= runs; i++)); do
  line=$(printf 'cold %2d:' "$i")
  if [[ -z $skip_pufa ]]; then
    settle "$site/.pufa-cache" "$site/public"
    measure "$work/pufa-cold.times" "$pufa" build --root "$site" "${pufa_opts[@]}"
    line+="  $(show "pufa cold" "$work/pufa-cold.times")"
    ((i > 1)) || echo "pufa says: $(tail -n 1 "$work/log")"
  fi
  if [[ -z $skip_hugo ]]; then
    settle "$hsite/resources/_gen" "$hcache" "$hsite/public"
    measure "$work/hugo-cold.times" "${hugo_build[@]}"
    check_hugo
    line+="  $(show "hugo cold" "$work/hugo-cold.times")"
  fi
  if [[ -z $skip_pufa && -z $skip_hugo ]]; then
    line+="  ratio $(ratio "$(last "$work/pufa-cold.times" | cut -d' ' -f1)" "$(last "$work/hugo-cold.times" | cut -d' ' -f1)")"
  fi
  echo "$line"
done

if [[ -z $skip_pufa ]]; then
  # The site without images is first built once, untimed, so both sides are rebuilds into
  # their own previous output, with pufa's cache folder as the previous build left it.
  measure "$work/untimed.times" "$pufa" build --root "$plain" "${pufa_opts[@]}"
  : >"$work/pufa-warm.times"
  : >"$work/pufa-plain.times"
  for ((i = 1; i <= warm_runs; i++)); do
    sync
    measure "$work/pufa-warm.times" "$pufa" build --root "$site" "${pufa_opts[@]}"
    sync
    measure "$work/pufa-plain.times" "$pufa" build --root "$plain" "${pufa_opts[@]}"
    echo "$(printf 'warm %2d:' "$i")  $(show "pufa warm" "$work/pufa-warm.times")  $(show "no images" "$work/pufa-plain.times")"
  done
fi

echo
verdict() { awk -v ok="$1" 'BEGIN {print (ok ? "met" : "MISSED")}'; }
if [[ -z $skip_pufa ]]; then
  pt=$(col "$work/pufa-cold.times" 1)
  pc=$(col "$work/pufa-cold.times" 3)
  pm=$(col "$work/pufa-cold.times" 2)
  printf 'median pufa cold: %.2f s (CPU %.2f s), %d MiB\n' "$pt" "$pc" "$(mib "$pm")"
fi
if [[ -z $skip_hugo ]]; then
  ht=$(col "$work/hugo-cold.times" 1)
  hc=$(col "$work/hugo-cold.times" 3)
  hm=$(col "$work/hugo-cold.times" 2)
  printf 'median hugo cold: %.2f s (CPU %.2f s), %d MiB\n' "$ht" "$hc" "$(mib "$hm")"
fi
if [[ -z $skip_pufa && -z $skip_hugo ]]; then
  r=$(ratio "$pt" "$ht")
  printf 'pufa cold / hugo cold: %.2f× (goal ≤ 0.5×: %s)\n' "$r" "$(verdict "$(awk -v r="$r" 'BEGIN {print r <= 0.5}')")"
fi
if [[ -z $skip_pufa ]]; then
  wt=$(col "$work/pufa-warm.times" 1)
  wm=$(col "$work/pufa-warm.times" 2)
  nt=$(col "$work/pufa-plain.times" 1)
  nm=$(col "$work/pufa-plain.times" 2)
  printf 'median pufa warm: %.3f s, %d MiB; without images: %.3f s, %d MiB\n' "$wt" "$(mib "$wm")" "$nt" "$(mib "$nm")"
  over=$(awk -v w="$wt" -v n="$nt" 'BEGIN {printf "%.1f", (w - n) / n * 100}')
  printf 'warm rebuild adds %s %% to the build without images (goal ≤ 5 %%: %s)\n' "$over" "$(verdict "$(awk -v o="$over" 'BEGIN {print o <= 5}')")"
  # The same from each pair's difference, which cancels what the machine did at the moment.
  diffs=$(paste -d' ' "$work/pufa-warm.times" "$work/pufa-plain.times" | awk '{print ($1 - $4) * 1000}')
  paired=$(med <<<"$diffs")
  printf 'per pair, warm minus without images: median %.1f ms (%.1f %% of %.3f s)\n' "$paired" "$(awk -v d="$paired" -v n="$nt" 'BEGIN {print d / 10 / n}')" "$nt"
  # How far that median can be trusted: a 95 % bootstrap interval (2,000 resamples of the
  # pairs, fixed seed), in ms and in % of the median build without images.
  python3 -c '
import random, statistics, sys
d = [float(l) for l in sys.stdin if l.strip()]
n = float(sys.argv[1]) * 1000
random.seed(1)
m = sorted(statistics.median(random.choices(d, k=len(d))) for _ in range(2000))
lo, hi = m[49], m[1949]
print(f"per pair, 95 % interval of that median: {lo:+.1f} to {hi:+.1f} ms ({lo / n * 100:.1f} to {hi / n * 100:.1f} %, {len(d)} pairs)")
' "$nt" <<<"$diffs"
  peak=$(cat "$work/pufa-cold.times" "$work/pufa-warm.times" | cut -d' ' -f2 | sort -n | tail -1)
  printf 'peak memory, highest pufa run: %d MiB (goal < 400 MiB: %s)\n' "$(mib "$peak")" "$(verdict $((peak < 400 * 1024)))"
fi
echo "photos: $count files, $(bytes_of "$photos")"
[[ -n $skip_pufa ]] || echo "pufa published images: $(image_stats "$site/public"); cache: $(bytes_of "$site/.pufa-cache")"
# Privacy: no published image may carry metadata (read by exiftool, when installed).
if [[ -z $skip_pufa ]] && command -v exiftool >/dev/null; then
  exiftool -j -G1 -a -r -ext jpg -ext webp -ext png -ext gif "$site/public" 2>/dev/null | python3 -c '
import json, sys
files = json.load(sys.stdin)
plain = {"System", "File", "ExifTool", "Composite", "JFIF", "PNG", "RIFF", "VP8", "VP8L", "VP8X", "GIF"}
bad = [f["SourceFile"] for f in files if any(k.split(":")[0] not in plain for k in f if ":" in k)]
print(f"metadata in published images: {len(bad)} of {len(files)} files carry EXIF, GPS, XMP or IPTC", *bad[:5], sep="\n  " if bad else "")
'
fi
[[ -n $skip_hugo ]] || echo "hugo published images: $(image_stats "$hsite/public"); resources/_gen: $(bytes_of "$hsite/resources/_gen")"
