# scaling — the two commands: `make demo` and `make test`.
# Both install missing Debian packages first (liblapacke-dev for LAPACK, gnuplot-nox for plots).

SWIFT        ?= swift
CONFIG       ?= release
APT_PACKAGES := liblapacke-dev gnuplot-nox
BIN          := .build/$(CONFIG)/scaling
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_OUT     := notebooks-out/minipythia
# The demo's filters (see datasets/README.md): drop warm-up checkpoints (step < 100) and the
# four 600-step runs of the larger models, which stall on an early plateau.
DEMO_FILTERS := --min-step 100 --exclude-run L4-D192-S600 --exclude-run L6-D256-S600 \
                --exclude-run L8-D320-S600 --exclude-run L8-D448-S600

.PHONY: all deps build test demo bench fuzz clean

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
test: deps
	$(SWIFT) build -c $(CONFIG) --product scaling
	$(SWIFT) test -c $(CONFIG)

demo: build
	@mkdir -p $(DEMO_OUT)
	$(BIN) fit datasets/minipythia.csv $(DEMO_FILTERS)
	$(BIN) fit datasets/minipythia.csv $(DEMO_FILTERS) --format json --output $(DEMO_OUT)/fit.json
	@echo "wrote $(DEMO_OUT)/fit.json"

bench: build
	bash scripts/bench.sh

clean:
	rm -rf .build notebooks-out/*/
