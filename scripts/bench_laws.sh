#!/usr/bin/env bash
# What the statute library costs: build the 1,000-page corpus without and with the nineteen
# laws of content/laws (parsed, rendered as pages, and every citation linked and checked),
# RUNS times each, alternating, and print the median wall times and the difference.
#
#   scripts/bench_laws.sh            (PUFA_BIN=… to use another binary, RUNS=… default 11)
set -euo pipefail
repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd -- "$repo"
runs=${RUNS:-11}
if [[ -z ${PUFA_BIN:-} ]]; then
  cargo build --release >&2
  bin=${CARGO_TARGET_DIR:-target}/release/pufa
else
  bin=$PUFA_BIN
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pufa-laws.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT
python3 scripts/gen_corpus.py --pages 1000 --out "$tmp/without" >/dev/null 2>&1
cp -r "$tmp/without" "$tmp/with"
cp -r content/laws "$tmp/with/content/laws"
for d in without with; do
  printf 'title: 基准测试站点\nbase_url: https://example.org/\n' >"$tmp/$d/site.yaml"
done
now=2026-12-01T00:00:00+08:00
# Output on tmpfs where there is one: the file system's noise is larger than the difference.
if [[ -d /dev/shm && -w /dev/shm ]]; then
  out=$(mktemp -d /dev/shm/pufa-laws-out.XXXXXX)
else
  out=$tmp/out
fi
trap 'rm -rf -- "$tmp" "$out"' EXIT
declare -A times
for ((i = 0; i < runs; i++)); do
  for d in without with; do
    start=$(date +%s%N)
    "$bin" --root "$tmp/$d" build --now "$now" --output "$out/$d" >/dev/null 2>&1
    end=$(date +%s%N)
    times[$d]+="$(((end - start) / 1000000)) "
  done
done
median() { printf '%s\n' $1 | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
a=$(median "${times[without]}")
b=$(median "${times[with]}")
echo "1,000-page corpus, median of $runs builds: without laws ${a} ms, with the 19 laws ${b} ms"
awk -v a="$a" -v b="$b" 'BEGIN { printf "the statute library adds %.0f %%\n", (b - a) * 100 / a }'
