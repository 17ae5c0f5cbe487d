# rebalancer: `make demo` runs the whole pipeline on the simulated venues; `make test` runs every test.
SWIFT   ?= swift
DEPS    := libzmq3-dev libsodium-dev pkg-config libsqlite3-dev
RELEASE := .build/release/rebalancer
SECONDS ?= 30

.PHONY: deps test-tools python-tools build release demo demo-static test proto vectors clean

## Installs the Debian packages the build needs (as root), or says exactly what to run.
deps:
	@missing=""; for p in $(DEPS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "missing packages:$$missing"; echo "run: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

## Optional for the tests: chromium and chromium-driver, so DashboardBrowserTests opens the page
## headless (without them it reads the event stream over HTTP). And a Compose tool, so ComposeFileVersionTests runs `config -q` on
## docker/compose.yaml (without one, the file's structure is still checked). Installed when run as
## root and missing; a failed install only prints a note.
test-tools:
	@if ! command -v docker-compose >/dev/null 2>&1 && ! docker compose version >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing: docker-compose"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null; } \
	      || echo "note: docker-compose not installed; the compose file's structure is still checked"; \
	  else \
	    echo "optional: sudo apt-get install -y docker-compose (lets the tests run docker-compose config)"; \
	  fi; \
	fi
	@if ! command -v prometheus >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing: prometheus"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null; } \
	      || echo "note: prometheus not installed; the metrics test scrapes /metrics itself"; \
	  else \
	    echo "optional: sudo apt-get install -y prometheus (lets the metrics test run a real Prometheus server)"; \
	  fi; \
	fi
	@if ! command -v etcd >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing: etcd-server (the failover test's coordination service)"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends etcd-server >/dev/null; } \
	      || echo "note: etcd-server not installed; the etcd tests say so and check nothing"; \
	  else \
	    echo "needed by the tests: sudo apt-get install -y etcd-server (EtcdLeadershipTests runs a real etcd)"; \
	  fi; \
	fi
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing: chromium chromium-driver (the dashboard's headless-browser test)"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; } \
	      || echo "note: chromium not installed; the dashboard test reads its event stream over HTTP instead"; \
	  else \
	    echo "optional: sudo apt-get install -y chromium chromium-driver (the dashboard test opens the page in it)"; \
	  fi; \
	fi

build: deps
	$(SWIFT) build --product rebalancer

release: deps
	$(SWIFT) build -c release --product rebalancer

## The main job: every role as its own process on the built-in simulated venues.
demo: release
	$(RELEASE) demo --seconds $(SECONDS)

## The same market with rebalancing off, to see what the rebalancer prevents.
demo-static: release
	$(RELEASE) demo --seconds $(SECONDS) --strategy static

## Every test: unit, wire vectors, real sockets, and multi-process runs of the real binary.
## The tests run on an optimized build (`-c release` with `-enable-testing`, so the suites keep
## their `@testable` imports): what is tested is what ships, the seeded simulations and property
## tests take a third of their debug time, and each multi-process test's dozen role processes
## cost a fraction of the CPU. It has its own build folder (TEST_SCRATCH), so `make demo`'s
## `.build/release` is never rebuilt with other flags. Then one test phase: the in-process
## suites (`make test-in-process`) and the multi-process ones (`make test-integration`) at once.
TEST_SCRATCH ?= .build-test
TEST_BUILD   ?= --scratch-path $(TEST_SCRATCH) -c release -Xswiftc -enable-testing
TEST_BIN      = $(abspath $(TEST_SCRATCH))/release
## The tests start `python3` dozens of times (fixture venues, adapters, the MILP oracle, the
## browser driver); through a version manager's shim (pyenv's is a bash script) each start costs
## three times the interpreter's own. The folder of the interpreter `python3` resolves to goes first.
PYTHON_DIR    = $(shell python3 -c 'import os, sys; print(os.path.dirname(sys.executable))' 2>/dev/null)
TEST_PATH     = $(if $(PYTHON_DIR),$(PYTHON_DIR):)$(PATH)

test: deps test-tools python-tools
	$(SWIFT) build $(TEST_BUILD) --build-tests
	@start=$$(date +%s); status=0; log=$(TEST_SCRATCH)/in-process.log; \
	{ $(MAKE) --no-print-directory test-in-process > $$log 2>&1; echo $$? > $$log.status; } & \
	$(MAKE) --no-print-directory test-integration || status=$$?; \
	wait; cat $$log; [ "$$(cat $$log.status)" = 0 ] || status=1; \
	echo "test phase: $$(( $$(date +%s) - start )) s, exit status $$status"; exit $$status

## The in-process suites (every target but IntegrationTests; the role scenarios are in
## RoleScenarioTests), run by the test binary itself: swift-testing runs them in parallel in one
## process. (`swift test` would add its own start-up, about 19 s on this 2-core machine.)
.PHONY: test-in-process
test-in-process:
	@bin=$(TEST_BIN); start=$$(date +%s); \
	PATH="$(TEST_PATH)" NO_COLOR=1 REBALANCER_BIN=$$bin/rebalancer $$bin/rebalancerPackageTests.xctest --testing-library swift-testing \
	  --skip 'IntegrationTests\.'; status=$$?; \
	echo "in-process suites: $$(( $$(date +%s) - start )) s, exit status $$status"; exit $$status

## The multi-process suites mostly wait on processes and timeouts, not on the CPU (the whole
## phase takes under a minute of CPU on the optimized build), so they run in concurrent shards:
## each shard is one run of the test binary that runs its tests one at a time (--no-parallel)
## and takes its cluster ports from its own slice of the port range (REBALANCER_TEST_SHARD=i/n),
## so no two shards ever pick the same ports. The shards are packed by each test's measured wall
## time (docs/test-phases.md) to end together, at about the length of the longest test (the short
## chaos run); a shard names suites (`Suite/`) or single tests (`Suite/test`). The last shard
## holds every other test, so a new suite lands there by itself. `make test TEST_JOBS=1` runs the
## shards one after another, for a machine too loaded for the timing-sensitive ones.
SHARD_1 := ChaosTests/
SHARD_2 := EtcdLeadershipTests/|DemoOrphanTests/|FeedReconnectTests/
SHARD_3 := PartitionTests/|RealVenueWatcherTests/
SHARD_4 := DemoEndToEndTests/
SHARD_5 := RealVenuePipelineTests/liveRefills|ExecutorVenueTests/killed|ExecutorVenueTests/liveWithdrawal
SHARD_6 := RealVenuePipelineTests/monitorOnly|AdapterConformanceTests/anAdapter|AdapterConformanceTests/theSchema|AdapterConformanceTests/aWrong|AdapterConformanceTests/aMissing|ExecutorVenueTests/monitorOnly
SHARD_7 := DashboardBrowserTests/thePage|DashboardBrowserTests/aBadListen|ObservabilityTests/aRoleLogs|AdapterConformanceTests/ccxt
SHARD_8 := ObservabilityTests/rolesServe|ByzantineTests/
SHARD_9 := DashboardBrowserTests/theDemoServes|DemoStartOrderTests/|AdapterConformanceTests/aBadSecret
TEST_SHARDS := 1 2 3 4 5 6 7 8 9 10
SHARD_NAMED := $(SHARD_1)|$(SHARD_2)|$(SHARD_3)|$(SHARD_4)|$(SHARD_5)|$(SHARD_6)|$(SHARD_7)|$(SHARD_8)|$(SHARD_9)
TEST_JOBS ?= $(words $(TEST_SHARDS))
shard_filter = $(if $(filter $(lastword $(TEST_SHARDS)),$(1)),--filter 'IntegrationTests\.' --skip 'IntegrationTests\.($(SHARD_NAMED))',--filter 'IntegrationTests\.($(SHARD_$(1)))')

.PHONY: test-integration $(addprefix test-shard-,$(TEST_SHARDS))
test-integration:
	@start=$$(date +%s); status=0; \
	PATH="$(TEST_PATH)" $(MAKE) --no-print-directory -k -O -j $(TEST_JOBS) $(addprefix test-shard-,$(TEST_SHARDS)) || status=$$?; \
	echo "multi-process suites: $$(( $$(date +%s) - start )) s, exit status $$status"; exit $$status

$(addprefix test-shard-,$(TEST_SHARDS)): test-shard-%:
	@bin=$(TEST_BIN); start=$$(date +%s); \
	NO_COLOR=1 REBALANCER_TEST_SHARD=$*/$(words $(TEST_SHARDS)) REBALANCER_BIN=$$bin/rebalancer \
	  $$bin/rebalancerPackageTests.xctest --testing-library swift-testing --no-parallel $(call shard_filter,$*); status=$$?; \
	echo "integration shard $*/$(words $(TEST_SHARDS)): $$(( $$(date +%s) - start )) s, exit status $$status"; exit $$status

## Python tools the tests run: ccxt, jsonschema, selenium (the dashboard test), highspy (the optimizer oracle) and the ccxt reference adapter (adapters/ccxt).
## Reinstalled only when the adapter's sources change or an import fails; root or --user.
PY_ADAPTER := $(wildcard adapters/ccxt/pyproject.toml adapters/ccxt/rebalancer_ccxt_adapter/*.py)
.build/python-tools.stamp: $(PY_ADAPTER)
	@python3 -m pip install -q --disable-pip-version-check ccxt jsonschema selenium highspy ./adapters/ccxt 2>/dev/null || \
	  python3 -m pip install -q --disable-pip-version-check --user ccxt jsonschema selenium highspy ./adapters/ccxt
	@mkdir -p .build && touch $@

python-tools: .build/python-tools.stamp
	@python3 -c "import ccxt, jsonschema, selenium, highspy, rebalancer_ccxt_adapter" 2>/dev/null || { rm -f .build/python-tools.stamp; $(MAKE) -s .build/python-tools.stamp; }
	@python3 docs/tools/check_adapter_schema.py

## Regenerates the protobuf Swift (needs protoc and protoc-gen-swift 1.39.0 on PATH).
proto:
	protoc --swift_out=Sources/RebalancerWire/Generated --swift_opt=Visibility=Public -I proto proto/rebalancer.proto

## Checks the wire test vectors with an independent Python implementation.
vectors:
	python3 docs/tools/check_vectors.py Tests/RebalancerWireTests/Vectors

clean:
	rm -rf .build $(TEST_SCRATCH) run .rebalancer

## Chaos: the demo topology with a standby coordinator (topology/failover.yaml) while a watcher, a
## verifier, the leading coordinator (its data folder wiped before it returns) and the executor are
## SIGKILLed and restarted and a verifier paused; then checks that nothing was lost, repeated or
## executed without a quorum, that capital reconciles, and reports the longest time without a
## leading coordinator. Non-zero exit if any check fails.
CHAOS_SECONDS ?= 60
CHAOS_TOPOLOGY ?= topology/failover.yaml
.PHONY: chaos bench-load
chaos: release
	$(RELEASE) chaos --topology $(CHAOS_TOPOLOGY) --seconds $(CHAOS_SECONDS) --json run/chaos.json

## Load: the venues publish as fast as they can; verified states/s and RSS of coordinator and verifiers.
bench-load: release
	$(RELEASE) bench load --seconds $(SECONDS)
