#!/usr/bin/env bash
# Builds every libFuzzer target of the project (CMake targets named *_fuzz, built with
# -DSERIN_FUZZ=ON by clang with AddressSanitizer and UndefinedBehaviorSanitizer) and runs
# each for a number of inputs. Exits non-zero on the first finding (a crash, a sanitizer
# report, a leak, a timeout or running out of memory); the input that caused it is saved
# under <build>/artifacts/.
#
#   tests/fuzz/run_fuzzers.sh [runs]      runs per target, default 1000000
#
# Environment: SERIN_FUZZ_BUILD_DIR (default build-fuzz in the repository),
# SERIN_FUZZ_JOBS (ninja -j, default 2), SERIN_FUZZ_MAX_LEN (longest input, default 1024).
# Inputs each target finds interesting are kept in <build>/corpus/<target>/, so a second
# run starts where the first stopped; tests/fuzz/corpus/<target>/ holds committed seeds.
set -euo pipefail

runs="${1:-1000000}"
if ! [[ "$runs" =~ ^[0-9]+$ ]] || [ "$runs" -lt 1 ]; then
  echo "usage: $0 [runs per target, default 1000000]" >&2
  exit 2
fi
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${SERIN_FUZZ_BUILD_DIR:-$repo/build-fuzz}"
jobs="${SERIN_FUZZ_JOBS:-2}"
max_len="${SERIN_FUZZ_MAX_LEN:-1024}"

# ---- clang and its sanitizer runtimes: the project's package list has them ----------------
"$repo/e2e/deps/packages.sh"

# ---- a separate build tree: clang, SERIN_FUZZ=ON --------------------------------------------
if [ ! -f "$build/CMakeCache.txt" ]; then
  echo "fuzz: configuring $build"
fi
# Two runs at once (two `make test`) take turns building this tree instead of racing in it.
mkdir -p "$build"
exec 9>"$build/.lock"
flock 9
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++-14 -DSERIN_FUZZ=ON >/dev/null
mapfile -t targets < <(ninja -C "$build" -t targets all |
                       sed -n 's/^\([A-Za-z0-9_]*_fuzz\): phony$/\1/p' | grep -v '^cmake_' | sort -u)
if [ ${#targets[@]} -eq 0 ]; then
  echo "fuzz: no *_fuzz targets in $build" >&2
  exit 1
fi
echo "fuzz: building ${targets[*]}"
start=$(date +%s)
if ! ninja -C "$build" -j "$jobs" "${targets[@]}" >"$build/fuzz-build.log" 2>&1; then
  echo "fuzz: BUILD FAILED; last lines of $build/fuzz-build.log:" >&2
  grep -E 'error|FAILED' "$build/fuzz-build.log" | head -n 20 >&2
  tail -n 20 "$build/fuzz-build.log" >&2
  exit 1
fi
echo "fuzz: built in $(( $(date +%s) - start )) s"
flock -u 9

# ---- run each --------------------------------------------------------------------------------
# UBSan reports are findings too: stop at the first, with a stack.
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:${UBSAN_OPTIONS:-}"
export ASAN_OPTIONS="detect_leaks=1:${ASAN_OPTIONS:-}"
status=0
for t in "${targets[@]}"; do
  bin="$(find "$build" -type f -name "$t" -perm -u+x | head -n 1)"
  if [ -z "$bin" ]; then
    echo "fuzz: $t: built, but no binary found under $build" >&2
    exit 1
  fi
  corpus="$build/corpus/$t"
  mkdir -p "$corpus" "$build/artifacts"
  dirs=("$corpus")
  if [ -d "$repo/tests/fuzz/corpus/$t" ]; then dirs+=("$repo/tests/fuzz/corpus/$t"); fi
  log="$build/$t.log"
  echo "fuzz: $t: $runs inputs (log $log)"
  start=$(date +%s)
  if "$bin" -runs="$runs" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$build/artifacts/$t-" "${dirs[@]}" >"$log" 2>&1; then
    secs=$(( $(date +%s) - start ))
    execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
    cov="$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1 || true)"
    echo "fuzz: $t: no finding (${execs:-?} inputs in ${secs}s, ${cov:-cov: ?}, corpus $(ls "$corpus" | wc -l))"
  else
    status=1
    echo "fuzz: $t: FINDING; last lines of $log:" >&2
    tail -n 40 "$log" >&2
  fi
done
exit "$status"
