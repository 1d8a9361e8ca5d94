# serin — the two commands a newcomer needs are `make demo` and `make test`.
BUILD_DIR ?= build
CMAKE_FLAGS ?=
# Test files run on two workers, each with its own local control plane.
E2E_WORKERS ?= 2
PYTEST_ARGS ?=
PYTHON ?= python3
export SERIN_CACHE ?= $(HOME)/.cache/serin

.PHONY: all deps build unit sanitize fuzz e2e test demo demo-down clean

all: build

# Debian packages, pytest, and the control-plane tools built from their Go modules (cached
# by version in $(SERIN_CACHE); a warm run takes seconds).
deps:
	@./e2e/deps/packages.sh
	@./e2e/deps/python.sh
	@./e2e/deps/build-tools.sh

# flock: a second `make` running at the same time waits for this one's build instead of
# racing it in the same build tree.
build: deps
	@mkdir -p $(BUILD_DIR)
	@flock $(BUILD_DIR)/.lock sh -c '\
	  if [ ! -f $(BUILD_DIR)/build.ninja ]; then cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS) >/dev/null; fi && \
	  ninja --quiet -C $(BUILD_DIR)'

unit: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j2 --timeout 300

# The Kubernetes client's unit tests (and the planner's, and the real HTTP transport's) under
# AddressSanitizer+UBSan and ThreadSanitizer, in build trees of their own: $(BUILD_DIR)-asan
# and $(BUILD_DIR)-tsan.
SANITIZE = SERIN_ASAN_BUILD_DIR=$(abspath $(BUILD_DIR))-asan \
	SERIN_TSAN_BUILD_DIR=$(abspath $(BUILD_DIR))-tsan ./tests/sanitizers/run.sh
sanitize: deps
	@$(SANITIZE)

# Every libFuzzer target (the condition language, the watch-event and kubeconfig decoders)
# built by clang with ASan+UBSan in $(BUILD_DIR)-fuzz, each run for FUZZ_RUNS inputs. The
# 10^6-input runs and their results: bench/results/fuzz.md.
FUZZ_RUNS ?= 20000
FUZZ = SERIN_FUZZ_BUILD_DIR=$(abspath $(BUILD_DIR))-fuzz ./tests/fuzz/run_fuzzers.sh $(FUZZ_RUNS)
fuzz: deps
	@$(FUZZ)

e2e: build
	@SERIN_BUILD_DIR=$(abspath $(BUILD_DIR)) $(PYTHON) -m pytest e2e -n $(E2E_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Unit tests, then the client's tests under the sanitizers, a short run of every fuzz target,
# then end-to-end tests on a local control plane; every summary is printed and any failure
# makes the exit status non-zero.
test: build
	@rc=0; \
	(cd $(BUILD_DIR) && ctest --output-on-failure -j2 --timeout 300) || rc=1; \
	$(SANITIZE) || rc=1; \
	$(FUZZ) || rc=1; \
	SERIN_BUILD_DIR=$(abspath $(BUILD_DIR)) $(PYTHON) -m pytest e2e -n $(E2E_WORKERS) --dist loadfile $(PYTEST_ARGS) || rc=1; \
	exit $$rc

demo: build
	@$(PYTHON) e2e/demo.py up

demo-down:
	@$(PYTHON) e2e/demo.py down

clean:
	rm -rf $(BUILD_DIR) $(BUILD_DIR)-asan $(BUILD_DIR)-tsan $(BUILD_DIR)-fuzz
