#!/usr/bin/env bash
# Time `pufa build` on synthetic sites made by scripts/gen_corpus.py.
#
#   scripts/bench.sh [PAGES...]          default: 1000 10000
#
# For each page count: generate a site in a temporary folder, add site.yaml, run
# `pufa --root DIR build --now 2026-12-01T00:00:00+08:00` RUNS times under GNU time
# (the first run only warms the page cache), print wall time and peak RSS of each run,
# then the median of the timed runs.
#
# Environment:
#   PUFA_BIN=PATH   benchmark this binary (skips `cargo build --release`)
#   KEEP=1          keep the generated sites (their paths are printed at the end)
#   RUNS=N          builds per site and target, including the warm-up (default 4, at least 2)
#   SEED=N          corpus seed (default 1)
#   TMPDIR          where the temporary folders go (default /tmp)
#   TARGETS="disk memory"  where the output goes: `disk` = the site's public/ (what users
#                   get), `memory` = a folder on /dev/shm (tmpfs), which takes the file
#                   system's cost of creating ~16,000 files out of the figure (default both)
#   MODES="fresh rebuild"  `fresh` = every run builds into an empty output folder (the
#                   previous output is deleted before the run, untimed), so every file is
#                   written; `rebuild` = every run builds into the previous run's output,
#                   where pufa writes only the files whose bytes changed (none here)
#                   (default both)
#
# Needs bash, python3 (3.9+) and GNU time at /usr/bin/time (Debian package `time`).
set -euo pipefail

NOW=2026-12-01T00:00:00+08:00
TIME=/usr/bin/time

die() {
  echo "bench.sh: $*" >&2
  exit 1
}

repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd -- "$repo"

if [[ ! -x $TIME ]]; then
  die "$TIME not found. Install GNU time first: apt-get install time"
fi
if ! "$TIME" -v true >/dev/null 2>&1; then
  die "$TIME is not GNU time (no -v option). Install it: apt-get install time"
fi
command -v python3 >/dev/null 2>&1 || die "python3 not found"

runs=${RUNS:-4}
seed=${SEED:-1}
if ! [[ $runs =~ ^[0-9]+$ ]] || ((runs < 2)); then
  die "RUNS must be a number >= 2 (one warm-up, then timed runs), not '$runs'"
fi
[[ $seed =~ ^[0-9]+$ ]] || die "SEED must be a number, not '$seed'"

pages=("$@")
if ((${#pages[@]} == 0)); then
  pages=(1000 10000)
fi
for n in "${pages[@]}"; do
  if ! [[ $n =~ ^[1-9][0-9]*$ ]] || ((n < 3)); then
    die "not a page count (need a whole number >= 3): '$n'"
  fi
done

tmp_dirs=()
cleanup() {
  if ((${#tmp_dirs[@]} == 0)); then
    return
  fi
  if [[ ${KEEP:-0} == 1 ]]; then
    echo "bench.sh: kept ${tmp_dirs[*]}" >&2
  else
    rm -rf -- "${tmp_dirs[@]}"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

new_tmp_dir() {  # sets tmp_dir to a new folder under $TMPDIR, removed on exit (not in a subshell!)
  tmp_dir=$(mktemp -d "${TMPDIR:-/tmp}/pufa-bench.XXXXXX")
  tmp_dirs+=("$tmp_dir")
}

if [[ -n ${PUFA_BIN:-} ]]; then
  bin=$PUFA_BIN
else
  command -v cargo >/dev/null 2>&1 || die "cargo not found (or set PUFA_BIN to a pufa binary)"
  echo "bench.sh: cargo build --release" >&2
  cargo build --release
  bin=${CARGO_TARGET_DIR:-target}/release/pufa
fi
[[ -x $bin ]] || die "no executable pufa at $bin"

# "Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.37" -> 62.37
wall_seconds() {
  LC_ALL=C awk -F': ' '/Elapsed \(wall clock\) time/ {
      n = split($NF, part, ":"); s = 0
      for (i = 1; i <= n; i++) s = s * 60 + part[i]
      printf "%.2f\n", s }' "$1"
}
# "Maximum resident set size (kbytes): 123456" -> 120.6
rss_mib() {
  LC_ALL=C awk -F': ' '/Maximum resident set size/ { printf "%.1f\n", $NF / 1024 }' "$1"
}
median() {
  printf '%s\n' "$@" | LC_ALL=C sort -g | LC_ALL=C awk '{ v[NR] = $1 }
    END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f\n", m }'
}

new_tmp_dir
logs=$tmp_dir
cpus=$(nproc 2>/dev/null || echo '?')
echo "bench.sh: $bin, $cpus CPUs, $runs runs per site (first is warm-up), --now $NOW"

for n in "${pages[@]}"; do
  new_tmp_dir
  site=$tmp_dir
  python3 scripts/gen_corpus.py --pages "$n" --out "$site" --seed "$seed"
  printf 'title: 基准测试站点\nbase_url: https://example.org/\n' >"$site/site.yaml"

  for target in ${TARGETS:-disk memory}; do
  out_args=()
  case $target in
    disk) ;;
    memory)
      if [[ ! -d /dev/shm ]]; then
        echo "bench.sh: no /dev/shm here, skipping the memory target" >&2
        continue
      fi
      out_args=(--output "/dev/shm/pufa-bench-out-$$-$n")
      tmp_dirs+=("/dev/shm/pufa-bench-out-$$-$n")
      ;;
    *) die "TARGETS may contain disk and memory, not '$target'" ;;
  esac
  for mode in ${MODES:-fresh rebuild}; do
  case $mode in
    fresh | rebuild) ;;
    *) die "MODES may contain fresh and rebuild, not '$mode'" ;;
  esac
  if [[ $target == memory ]]; then
    out_dir=/dev/shm/pufa-bench-out-$$-$n
  else
    out_dir=$site/public
  fi
  walls=()
  rsss=()
  for ((run = 1; run <= runs; run++)); do
    if [[ $mode == fresh ]]; then
      rm -rf -- "$out_dir"
    fi
    report=$logs/time-$n-$run.txt
    err=$logs/stderr-$n-$run.txt
    status=0
    "$TIME" -v -o "$report" "$bin" --root "$site" build --now "$NOW" "${out_args[@]}" >"$logs/stdout-$n-$run.txt" 2>"$err" || status=$?
    if ((status != 0)); then
      echo "bench.sh: pufa failed (exit status $status) on $n pages, run $run; end of its stderr:" >&2
      tail -n 30 -- "$err" >&2
      grep -E 'Command (exited|terminated)' -- "$report" >&2 || true
      exit 1
    fi
    wall=$(wall_seconds "$report")
    rss=$(rss_mib "$report")
    [[ -n $wall && -n $rss ]] || die "could not read wall time / peak RSS from $report"
    if ((run == 1)); then
      label="run $run (warm-up)"
    else
      label="run $run"
      walls+=("$wall")
      rsss+=("$rss")
    fi
    printf '%6d pages  %-7s %-8s %-18s wall %8.2f s   peak RSS %8.1f MiB\n' "$n" "$target" "$mode" "$label" "$wall" "$rss"
  done
  wall=$(median "${walls[@]}")
  rss=$(median "${rsss[@]}")
  printf '%6d pages  %-7s %-8s %-18s wall %8.2f s   peak RSS %8.1f MiB\n' "$n" "$target" "$mode" "median of $((runs - 1))" "$wall" "$rss"
  done
  done
done
