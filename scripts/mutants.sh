#!/usr/bin/env bash
# Mutation testing of the modules that keep the product's promises, with cargo-mutants
# (`cargo install cargo-mutants`): each group of modules is mutated and checked with the
# fast tests that speak for it; then the share of viable mutants the tests caught.
#
#   scripts/mutants.sh [GROUP...]      groups: output status citations links memo (default all)
#
# Environment: JOBS (mutants built and tested at once, default 2), OUT (where the reports
# go, default target/mutants), PASS (1: only each group's own tests; 2: only the second pass,
# the first pass's survivors against every fast test; 0: only the summary of the reports
# there are; default both). Browser tests are skipped (PUFA_SKIP_BROWSER=1) and the
# rebuild-equivalence test runs 60 random changes (PUFA_EQUIV_CHANGES=60) rather than 500.
# About an hour and a half on a 2-core machine for the first pass of all groups, and an hour
# for the second.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-mutants >/dev/null || {
  echo "mutants.sh: cargo-mutants not found: cargo install cargo-mutants" >&2
  exit 1
}

out=${OUT:-target/mutants}
jobs=${JOBS:-2}
groups=("$@")
if ((${#groups[@]} == 0)); then
  groups=(output status citations links memo)
fi

export PUFA_SKIP_BROWSER=1 PUFA_EQUIV_CHANGES=60

# Sets files, tests and filter for group $1.
define_group() {
  local name=$1
  files=() tests=() filter=()
  case $name in
    output) # a failed build never damages public/; unchanged files are left alone
      files=(src/output.rs)
      tests=(--lib --test build --test promises) ;;
    status) # drafts and expiry withdraw pages; events are upcoming, ongoing or past
      files=(src/site/mod.rs src/site/update.rs src/site/collections.rs)
      filter=(--re 'withdrawn_reason|status_of|event_end|settle_status|crossed|settle_events|calendar')
      tests=(--lib --test events --test promises --test build --test edge_cases) ;;
    citations) # every citation links to its article, or is reported
      files=(src/statute/cite.rs)
      tests=(--lib --test statutes --test invalid --test build) ;;
    links) # every internal link resolves, or is reported
      files=(src/site/links.rs)
      tests=(--lib --test build --test invalid --test edge_cases --test authoring) ;;
    memo) # a rebuild equals a fresh build: recording what each output read, the outputs'
      # cache and the problems kept by origin
      files=(src/reads.rs src/pipeline/outputs.rs src/pipeline/diags.rs)
      tests=(--lib --test rebuild_equivalence --test planted_stale_key --test promises) ;;
    *)
      echo "mutants.sh: no group '$name' (output status citations links memo)" >&2
      exit 2 ;;
  esac
  args=()
  for f in "${files[@]}"; do args+=(--file "$f"); done
  # cargo-mutants also lists some "delete field" mutants of other files whatever the
  # filters say: only the group's own files count.
  own="^($(printf '%s|' "${files[@]}" | sed 's/[.]/\\./g; s/|$//')):"
}

run_group() {
  local name=$1
  define_group "$name"
  echo "== $name: ${files[*]}"
  mkdir -p "$out/$name"
  cargo mutants --no-shuffle -j "$jobs" --copy-target true "${args[@]}" "${filter[@]}" \
    --output "$out/$name" -- "${tests[@]}" || true
}

broad=(--lib --test build --test invalid --test edge_cases --test authoring --test statutes
  --test events --test promises --test planted_stale_key --test serve --test rebuild_equivalence
  --test cli)
# What is left of group $1 after its later passes (survivors.txt): the mutants of the last
# pass's input that it did not catch (all of them when it was stopped early), or, before
# any, the first pass's missed ones.
survivors() {
  python3 - "$out/$1/mutants.out" "$out/$1-all" "$own" <<'PY'
import os, re, sys
first, second, own = sys.argv[1], sys.argv[2], re.compile(sys.argv[3])
def lines(p):
    try:
        return [l.rstrip("\n") for l in open(p, encoding="utf-8") if l.strip()]
    except FileNotFoundError:
        return []
if os.path.exists(second + "/input.txt"):
    done = set(lines(second + "/mutants.out/caught.txt") + lines(second + "/mutants.out/timeout.txt"))
    left = [m for m in lines(second + "/input.txt") if m not in done]
elif not os.path.exists(second + "/survivors.txt"):
    left = lines(first + "/missed.txt")
else:
    left = lines(second + "/survivors.txt")
os.makedirs(second, exist_ok=True)
open(second + "/survivors.txt", "w", encoding="utf-8").write("".join(m + "\n" for m in left if own.match(m)))
PY
}

# Second pass: the survivors, against every fast test (a mutant of the output folder may be
# caught by a serve test), named exactly. Run again, it takes what the last one left.
second_pass() {
  local name=$1
  [[ -d $out/$name/mutants.out ]] || return 0
  define_group "$name"
  survivors "$name"
  [[ -s $out/$name-all/survivors.txt ]] || return 0
  # The code may have moved since: each survivor is found again in today's list by file,
  # function and change (its line may differ); those whose code is gone are listed apart
  # (gone.txt) and no longer viable.
  cargo mutants --list "${args[@]}" "${filter[@]}" >"$out/$name-all/now.txt"
  python3 - "$out/$name/mutants.out" "$out/$name-all" <<'PY'
import re, sys
first, second = sys.argv[1], sys.argv[2]
def lines(p):
    try:
        return [l.rstrip("\n") for l in open(p, encoding="utf-8") if l.strip()]
    except FileNotFoundError:
        return []
key = lambda m: re.sub(r"^([^:]+):\d+:\d+:", r"\1:", m)
now = lines(second + "/now.txt")
tested = set()
for kind in ("caught", "missed", "timeout", "unviable"):
    tested.update(lines(f"{first}/{kind}.txt"))
mapped, taken = [], set()
gone = lines(second + "/gone.txt")
for m in lines(second + "/survivors.txt"):
    if m in now:
        found = m
    else:
        found = next((n for n in now if key(n) == key(m) and n not in tested and n not in taken), None)
    if found is None:
        gone.append(m)
    else:
        taken.add(found)
        mapped.append(found)
open(second + "/input.txt", "w", encoding="utf-8").write("".join(l + "\n" for l in mapped))
open(second + "/gone.txt", "w", encoding="utf-8").write("".join(l + "\n" for l in dict.fromkeys(gone)))
PY
  local -a res=()
  while IFS= read -r m; do
    res+=(--re "^$(printf '%s' "$m" | sed 's#[][\\.^$*+?(){}|]#\\&#g')\$")
  done <"$out/$name-all/input.txt"
  echo "== $name, second pass: $((${#res[@]} / 2)) surviving mutants against every fast test" \
    "($(grep -c . "$out/$name-all/gone.txt") gone with their code)"
  if ((${#res[@]} > 0)); then
    cargo mutants --no-shuffle -j "$jobs" --copy-target true "${res[@]}" \
      --output "$out/$name-all" -- "${broad[@]}" || true
  fi
  survivors "$name"
}

for g in "${groups[@]}"; do
  [[ ${PASS:-} == 2 || ${PASS:-} == 0 ]] || run_group "$g"
  [[ ${PASS:-} == 1 || ${PASS:-} == 0 ]] || second_pass "$g"
done

# The share caught, per group and in all: caught (or timed out: the tests did not let the
# mutant pass) of the viable mutants (those that build).
total_caught=0
total_viable=0
for g in "${groups[@]}"; do
  dir=$out/$g/mutants.out
  [[ -d $dir ]] || continue
  define_group "$g"
  [[ -d $out/$g-all ]] && survivors "$g"
  count() {
    local n=0
    [[ -f $1/$2.txt ]] && n=$(grep -cE "$own" "$1/$2.txt")
    echo "$n"
  }
  caught=$(count "$dir" caught)
  missed=$(count "$dir" missed)
  timeout=$(count "$dir" timeout)
  unviable=$(count "$dir" unviable)
  # The later passes caught what the first missed, but for the survivors; mutants whose
  # code has gone since are no longer viable.
  if [[ -f $out/$g-all/survivors.txt ]]; then
    gone=$(count "$out/$g-all" gone)
    left=$(count "$out/$g-all" survivors)
    caught=$((caught + missed - gone - left))
    missed=$left
  fi
  viable=$((caught + missed + timeout))
  total_caught=$((total_caught + caught + timeout))
  total_viable=$((total_viable + viable))
  printf '%-10s caught %3d, timed out %2d, missed %3d, unviable %3d: %s %% caught\n' "$g" "$caught" "$timeout" \
    "$missed" "$unviable" "$(awk -v c=$((caught + timeout)) -v v=$viable 'BEGIN {printf "%.1f", v ? 100 * c / v : 0}')"
done
printf 'all        %d of %d viable mutants caught: %s %%\n' "$total_caught" "$total_viable" \
  "$(awk -v c=$total_caught -v v=$total_viable 'BEGIN {printf "%.1f", v ? 100 * c / v : 0}')"
echo "still missed: $out/<group>-all/survivors.txt (or <group>/mutants.out/missed.txt before a second pass)"
