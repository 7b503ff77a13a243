# scaling — the two commands: `make demo` and `make test`.
# Both install missing Debian packages first (liblapacke-dev for LAPACK, gnuplot-nox for plots).

SWIFT        ?= swift
CONFIG       ?= release
APT_PACKAGES := liblapacke-dev gnuplot-nox
BIN          := .build/$(CONFIG)/scaling
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_CONFIG  := datasets/olmo-ladder.analysis.yaml
DEMO_OUT     := notebooks-out/olmo-ladder
SMALL_CONFIG := datasets/minipythia.analysis.yaml
SMALL_OUT    := notebooks-out/minipythia

.PHONY: all deps build test demo demo-small bench fuzz fuzz-build fuzz-smoke clean snapshots

all: build

deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

build: deps
	$(SWIFT) build -c $(CONFIG)

# Tests run on the release build: the numerical tests (4,500-start grids, NIST problems) are
# what they are meant to exercise, and debug Swift is 10-50x slower on them.
# `swift test` builds every product too (with -enable-testing), so the CLI tests run the
# .build/$(CONFIG)/scaling it has just linked; a separate `swift build` first would compile
# everything twice (the two builds use different flags).
test: deps
	$(SWIFT) test -c $(CONFIG)

# The main job on the public OLMo ladder: curves with their logged schedules, bootstrap, the 1B
# runs held out and predicted, the backtest, the plan, nine downstream tasks and serving costs
# (settings and their reasons in $(DEMO_CONFIG)).
demo: build
	$(BIN) report --config $(DEMO_CONFIG)
	@echo "open $(DEMO_OUT)/report.md"

# The small demo: the mini-Pythia runs (a toy family; its warnings are the point).
demo-small: build
	$(BIN) report --config $(SMALL_CONFIG)
	@echo "open $(SMALL_OUT)/report.md"

bench: build
	bash scripts/bench.sh

# libFuzzer targets for the CSV reader and the fitter, built with -sanitize=fuzzer,address in
# their own scratch folder (scripts/fuzz-toolset.json; lld, since gold fails on these links).
FUZZ_BUILD := $(SWIFT) build -c release --scratch-path .build-fuzz --toolset scripts/fuzz-toolset.json
FUZZ_BIN   := .build-fuzz/release

fuzz-build: deps
	$(FUZZ_BUILD) --product fuzz-csv
	$(FUZZ_BUILD) --product fuzz-fit
	$(FUZZ_BUILD) --product fuzz-fitfile
	$(FUZZ_BUILD) --product fuzz-config

# The full run: 1,000,000 executions of the CSV target, 5 minutes of the fit target.
fuzz: fuzz-build
	@mkdir -p fuzz-out/csv fuzz-out/fit fuzz-out/fitfile fuzz-out/config
	$(FUZZ_BIN)/fuzz-csv fuzz-out/csv Tests/Fixtures/fuzz-seeds -runs=1000000 -max_len=4096 -print_final_stats=1
	$(FUZZ_BIN)/fuzz-fit fuzz-out/fit Tests/Fixtures/fuzz-seeds-fit -max_total_time=300 -max_len=150 -print_final_stats=1
	$(FUZZ_BIN)/fuzz-fitfile fuzz-out/fitfile Tests/Fixtures/fuzz-seeds-fitfile -max_total_time=300 -max_len=16384 -print_final_stats=1
	$(FUZZ_BIN)/fuzz-config fuzz-out/config Tests/Fixtures/fuzz-seeds-config -max_total_time=300 -max_len=8192 -rss_limit_mb=512 -timeout=5 -print_final_stats=1

# A 30-second smoke run (CI), with a fixed seed so that a local run retraces what CI runs.
fuzz-smoke: fuzz-build
	@mkdir -p fuzz-out/csv fuzz-out/fit fuzz-out/fitfile fuzz-out/config
	$(FUZZ_BIN)/fuzz-csv fuzz-out/csv Tests/Fixtures/fuzz-seeds -seed=1 -max_total_time=15 -max_len=4096 -print_final_stats=1
	$(FUZZ_BIN)/fuzz-fit fuzz-out/fit Tests/Fixtures/fuzz-seeds-fit -seed=1 -max_total_time=15 -max_len=150 -print_final_stats=1
	$(FUZZ_BIN)/fuzz-fitfile fuzz-out/fitfile Tests/Fixtures/fuzz-seeds-fitfile -seed=1 -max_total_time=15 -max_len=16384 -print_final_stats=1
	$(FUZZ_BIN)/fuzz-config fuzz-out/config Tests/Fixtures/fuzz-seeds-config -seed=1 -max_total_time=15 -max_len=8192 -rss_limit_mb=512 -timeout=5 -print_final_stats=1

clean:
	rm -rf .build .build-fuzz fuzz-out bench-out notebooks-out/*/

# Re-record the snapshot files of the script builders and report.md; review with git diff.
snapshots:
	RECORD_SNAPSHOTS=1 $(SWIFT) test -c $(CONFIG) --filter "ReportTests|FigureSnapshotTests"
	git diff --stat -- Tests/ScalingLawsTests/Snapshots
