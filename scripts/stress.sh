#!/usr/bin/env bash
# The tests that wait — on `pufa serve`, on a browser, on child processes — run again and
# again while other processes keep every core busy, to show they neither hang nor flake.
#
#   scripts/stress.sh            serve tests 20 times, browser tests 5 times
#
# Environment: SERVE_RUNS (default 20), BROWSER_RUNS (default 5), LOAD (busy processes,
# default: one per core). Each test binary run has a deadline of its own (TEST_TIMEOUT
# seconds, default 900), so a hang shows up as a failure naming the run, never as a stall.
# The tests themselves are built first, without the load. Exit status 0 only when every
# run passed.
set -euo pipefail
cd "$(dirname "$0")/.."

serve_runs=${SERVE_RUNS:-20}
browser_runs=${BROWSER_RUNS:-5}
load=${LOAD:-$(nproc)}
limit=${TEST_TIMEOUT:-900}

cargo test --no-run --test serve --test browser --test theme --test printables --test images --test search_tokens --test search_index --test search_page --test search_truth --test axe 2>&1 | tail -n 1

busy=()
stop_load() {
  for p in "${busy[@]}"; do kill "$p" 2>/dev/null || true; done
}
trap stop_load EXIT
for ((i = 0; i < load; i++)); do
  # A busy loop in a process of its own (no I/O, no memory): pure CPU contention.
  python3 -c 'while True: pass' &
  busy+=("$!")
done
echo "stress.sh: $load busy processes started"

failed=0
run() {
  local name=$1
  shift
  local started=$SECONDS
  if timeout --kill-after=30 "$limit" cargo test -q "$@" >"/tmp/pufa-stress-$name.log" 2>&1; then
    echo "ok    $name ($((SECONDS - started)) s)"
  else
    echo "FAIL  $name ($((SECONDS - started)) s): see /tmp/pufa-stress-$name.log"
    tail -n 30 "/tmp/pufa-stress-$name.log"
    failed=$((failed + 1))
  fi
}

for ((i = 1; i <= serve_runs; i++)); do
  run "serve-$i" --test serve
done
for ((i = 1; i <= browser_runs; i++)); do
  run "browser-$i" --test browser --test theme --test printables --test images --test search_tokens --test search_index --test search_page --test search_truth --test axe
done

if ((failed > 0)); then
  echo "stress.sh: $failed of $((serve_runs + browser_runs)) runs failed"
  exit 1
fi
echo "stress.sh: all $((serve_runs + browser_runs)) runs passed under load ($load busy processes)"
