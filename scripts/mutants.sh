#!/usr/bin/env bash
# Mutation testing of the modules that keep the product's promises, with cargo-mutants
# (`cargo install cargo-mutants`): each group of modules is mutated and checked with the
# fast tests that speak for it; then the share of viable mutants the tests caught.
#
#   scripts/mutants.sh [GROUP...]      groups: output status citations links memo (default all)
#
# Environment: JOBS (mutants built and tested at once, default 2), OUT (where the reports
# go, default target/mutants). Browser tests are skipped (PUFA_SKIP_BROWSER=1) and the
# rebuild-equivalence test runs 60 random changes (PUFA_EQUIV_CHANGES=60) rather than 500.
# About an hour and a half on a 2-core machine for all groups.
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

run_group() {
  local name=$1
  local -a files=() tests=() filter=()
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
  local args=()
  for f in "${files[@]}"; do args+=(--file "$f"); done
  echo "== $name: ${files[*]}"
  mkdir -p "$out/$name"
  cargo mutants --no-shuffle -j "$jobs" --copy-target true "${args[@]}" "${filter[@]}" \
    --output "$out/$name" -- "${tests[@]}" || true
}

for g in "${groups[@]}"; do
  run_group "$g"
done

# The share caught, per group and in all: caught (or timed out: the tests did not let the
# mutant pass) of the viable mutants (those that build).
total_caught=0
total_viable=0
for g in "${groups[@]}"; do
  dir=$out/$g/mutants.out
  [[ -d $dir ]] || continue
  count() { [[ -f $dir/$1.txt ]] && grep -c . "$dir/$1.txt" || echo 0; }
  caught=$(count caught)
  missed=$(count missed)
  timeout=$(count timeout)
  unviable=$(count unviable)
  viable=$((caught + missed + timeout))
  total_caught=$((total_caught + caught + timeout))
  total_viable=$((total_viable + viable))
  printf '%-10s caught %3d, timed out %2d, missed %3d, unviable %3d: %s %% caught\n' "$g" "$caught" "$timeout" \
    "$missed" "$unviable" "$(awk -v c=$((caught + timeout)) -v v=$viable 'BEGIN {printf "%.1f", v ? 100 * c / v : 0}')"
done
printf 'all        %d of %d viable mutants caught: %s %%\n' "$total_caught" "$total_viable" \
  "$(awk -v c=$total_caught -v v=$total_viable 'BEGIN {printf "%.1f", v ? 100 * c / v : 0}')"
echo "missed mutants: $out/<group>/mutants.out/missed.txt"
