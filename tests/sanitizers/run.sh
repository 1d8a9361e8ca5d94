#!/usr/bin/env bash
# Builds the Kubernetes client's unit tests, the Rollout planner's and reconciler's, and the
# test of the real cpprestsdk transport in two build trees of their own -- one with
# AddressSanitizer and UndefinedBehaviorSanitizer (-DSERIN_ASAN=ON), one with
# ThreadSanitizer (-DSERIN_TSAN=ON) -- and runs them. Prints one summary line per test
# binary and sanitizer; exits non-zero when a test fails or a sanitizer reports anything (a
# race, a memory error, a leak, undefined behaviour).
#
#   tests/sanitizers/run.sh [asan|tsan]...     default: both
#
# Environment: SERIN_ASAN_BUILD_DIR (default build-asan in the repository),
# SERIN_TSAN_BUILD_DIR (default build-tsan), SERIN_SANITIZE_JOBS (ninja -j, default 2).
# Each binary's output is kept in <build>/sanitize-<binary>.log, the build's in
# <build>/sanitize-build.log.
#
# The libraries from Debian (cpprestsdk, Boost.Asio's compiled parts, abseil, OpenSSL,
# libstdc++) are not instrumented; tests/sanitizers/tsan.supp and lsan.supp name the
# reports that come from inside them, each with its reason. Nothing in serin's own code is
# suppressed.
set -uo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jobs="${SERIN_SANITIZE_JOBS:-2}"
# kube_test: the client (work queue, informers, leader election, watches over a fake HTTP
# layer); providers_loopback_test: the real cpprestsdk transport against loopback servers,
# the only test that crosses cpprestsdk's thread pool; rollout_planner_test (ASan only: it
# is single-threaded): the planner that reads the client's projections;
# rollout_reconciler_test: the reconciler shell over real informers and the fake API server.
asan_binaries=(kube_test rollout_planner_test rollout_reconciler_test providers_loopback_test)
tsan_binaries=(kube_test rollout_reconciler_test providers_loopback_test)

sanitizers=("$@")
if [ ${#sanitizers[@]} -eq 0 ]; then sanitizers=(asan tsan); fi
for s in "${sanitizers[@]}"; do
  case "$s" in
    asan | tsan) ;;
    *)
      echo "usage: $0 [asan|tsan]..." >&2
      exit 2
      ;;
  esac
done

# Reports are findings even when the binary's own exit status would hide them.
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:strict_string_checks=1:${ASAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$repo/tests/sanitizers/lsan.supp:print_suppressions=0:${LSAN_OPTIONS:-}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:${UBSAN_OPTIONS:-}"
export TSAN_OPTIONS="suppressions=$repo/tests/sanitizers/tsan.supp:second_deadlock_stack=1:history_size=4:${TSAN_OPTIONS:-}"
finding_pattern='WARNING: ThreadSanitizer|ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|ThreadSanitizer: reported'

status=0
for s in "${sanitizers[@]}"; do
  if [ "$s" = asan ]; then
    dir="${SERIN_ASAN_BUILD_DIR:-$repo/build-asan}"
    option=-DSERIN_ASAN=ON
    binaries=("${asan_binaries[@]}")
  else
    dir="${SERIN_TSAN_BUILD_DIR:-$repo/build-tsan}"
    option=-DSERIN_TSAN=ON
    binaries=("${tsan_binaries[@]}")
  fi
  mkdir -p "$dir"
  start=$(date +%s)
  # flock: two `make test` at once wait for each other instead of racing in one tree.
  # Debug with -O1: assertions on, and a third less compile time than -O2 (the trees are
  # built from scratch in CI); PRE_TEST: no test discovery run as a build step.
  if ! (
    flock 9
    cmake -S "$repo" -B "$dir" -G Ninja "$option" -DCMAKE_BUILD_TYPE=Debug \
      -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" \
      -DCMAKE_GTEST_DISCOVER_TESTS_DISCOVERY_MODE=PRE_TEST || exit 1
    ninja -C "$dir" -j "$jobs" "${binaries[@]}"
  ) 9>"$dir/.lock" >"$dir/sanitize-build.log" 2>&1; then
    echo "sanitize: $s: BUILD FAILED; last lines of $dir/sanitize-build.log:" >&2
    tail -n 40 "$dir/sanitize-build.log" >&2
    status=1
    continue
  fi
  echo "sanitize: $s: built ${binaries[*]} in $(($(date +%s) - start)) s ($dir)"

  for b in "${binaries[@]}"; do
    bin="$(find "$dir/tests" -type f -name "$b" -perm -u+x | head -n 1)"
    if [ -z "$bin" ]; then
      echo "sanitize: $s: $b: built, but no binary found under $dir/tests" >&2
      status=1
      continue
    fi
    # GoogleTest shards, one per core, run side by side (the planner's property test is
    # most of the time).
    start=$(date +%s)
    pids=()
    for ((i = 0; i < jobs; i++)); do
      (cd "$(dirname "$bin")" &&
        GTEST_TOTAL_SHARDS=$jobs GTEST_SHARD_INDEX=$i timeout 900 "$bin" --gtest_brief=1) \
        >"$dir/sanitize-$b.$i.log" 2>&1 &
      pids+=($!)
    done
    rc=0
    for p in "${pids[@]}"; do wait "$p" || rc=$?; done
    secs=$(($(date +%s) - start))
    log="$dir/sanitize-$b.log"
    cat "$dir/sanitize-$b".[0-9]*.log >"$log"
    rm -f "$dir/sanitize-$b".[0-9]*.log
    passed="$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | paste -sd+ | bc)"
    findings="$(grep -cE "$finding_pattern" "$log")"
    if [ "$rc" -eq 0 ] && [ "$findings" -eq 0 ]; then
      echo "sanitize: $s: $b: ${passed:-?} tests passed, no finding (${secs} s)"
    else
      status=1
      echo "sanitize: $s: $b: FAILED (exit $rc, $findings sanitizer report lines, ${secs} s);" \
        "first report and failures from $log:" >&2
      grep -nE "$finding_pattern|^\[  FAILED  \]" "$log" | head -n 20 >&2
      awk -v p="$finding_pattern" '$0 ~ p {on = 1} on {print; if (++n >= 60) exit}' "$log" >&2
    fi
  done
done
exit "$status"
