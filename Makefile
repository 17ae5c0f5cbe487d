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
## Two phases: the in-process suites in parallel (`make test-in-process`), then the multi-process
## suites (IntegrationTests: each starts a cluster of real processes) in TEST_SHARDS concurrent
## runs of the test binary (`make test-integration`).
test: deps test-tools python-tools
	$(SWIFT) build --build-tests
	@$(MAKE) --no-print-directory test-in-process
	@$(MAKE) --no-print-directory test-integration

## The in-process suites (every target but IntegrationTests; the role scenarios are in
## RoleScenarioTests), run by the test binary itself: swift-testing runs them in parallel in one
## process. Every test is a swift-testing one, so `swift test --parallel` added only its own
## start-up (about 19 s on this 2-core machine for an empty filter) and XCTest workers with nothing to run.
.PHONY: test-in-process
test-in-process:
	@bin=$$($(SWIFT) build --show-bin-path); start=$$(date +%s); \
	NO_COLOR=1 REBALANCER_BIN=$$bin/rebalancer $$bin/rebalancerPackageTests.xctest --testing-library swift-testing \
	  --skip 'IntegrationTests\.'; status=$$?; \
	echo "in-process phase: $$(( $$(date +%s) - start )) s, exit status $$status"; exit $$status

## The multi-process suites mostly wait on processes and timeouts, not on the CPU, so they run in
## concurrent shards: each shard is one run of the test binary (`swift test` takes a lock on
## .build, so concurrent `swift test`s would queue) that runs its suites one at a time
## (--no-parallel, as before) and takes its cluster ports from its own slice of the port range
## (REBALANCER_TEST_SHARD=i/n), so no two shards ever pick the same ports. The role scenarios
## run in one process (RoleScenarioTests); what stays here proves the binary, its sockets, CURVE,
## processes and real services, so the shards are spread by each suite's measured wall time to
## end together (about a minute each), the suites that keep the CPU busy (the browser, the chaos
## run, Prometheus, the real venues, the partition) one per shard. The last shard holds every
## other suite (a new suite lands there by itself). ALONE_SUITES run after the shards, one at a
## time with nothing else of ours running: the demo compares its liquidations with and without
## rebalancing on one seeded market, which a starved CPU can make equal (in a shard beside the five
## others it failed so, at load 11-25, in 1 of 3 runs; alone it passes). `make test TEST_JOBS=1`
## runs the shards one after another. A shard runs its
## suites in name order. Each shard's output is printed whole when it ends (make -O), with its
## wall time and exit status. Needs the build (`make test` builds; alone, run
## `swift build --build-tests` first).
SHARD_1 := ByzantineTests|ChaosTests|DemoStartOrderTests
SHARD_2 := DashboardBrowserTests
SHARD_3 := ObservabilityTests|RealVenuePipelineTests
SHARD_4 := EtcdLeadershipTests|PartitionTests
SHARD_5 := DataDirectoryOwnershipTests|ExecutorVenueTests|LatencyBenchTests|LogForgingTests|RotationCommandTests|SimCommandTests|TopologyKeysCommandTests|UpCommandTests
ALONE_SUITES := DemoEndToEndTests
SHARD_NAMED := $(SHARD_1)|$(SHARD_2)|$(SHARD_3)|$(SHARD_4)|$(SHARD_5)$(if $(ALONE_SUITES),|$(ALONE_SUITES))
TEST_SHARDS := 1 2 3 4 5 6
## How many shards run at once: `make test TEST_JOBS=1` runs them one after another (as before the
## shards, for a machine too loaded for the timing-sensitive suites, e.g. the demo's liquidations).
TEST_JOBS ?= $(words $(TEST_SHARDS))
shard_filter = $(if $(filter $(lastword $(TEST_SHARDS)),$(1)),--filter 'IntegrationTests\.' --skip 'IntegrationTests\.($(SHARD_NAMED))/',--filter 'IntegrationTests\.($(SHARD_$(1)))/')

.PHONY: test-integration $(addprefix test-shard-,$(TEST_SHARDS))
test-integration:
	@start=$$(date +%s); status=0; \
	$(MAKE) --no-print-directory -k -O -j $(TEST_JOBS) $(addprefix test-shard-,$(TEST_SHARDS)) || status=$$?; \
	$(if $(ALONE_SUITES),bin=$$($(SWIFT) build --show-bin-path); alone=$$(date +%s); \
	NO_COLOR=1 REBALANCER_BIN=$$bin/rebalancer $$bin/rebalancerPackageTests.xctest --testing-library swift-testing --no-parallel \
	  --filter 'IntegrationTests\.($(ALONE_SUITES))/' || status=$$?; \
	echo "integration suites run alone: $$(( $$(date +%s) - alone )) s";) \
	echo "integration phase: $$(( $$(date +%s) - start )) s, exit status $$status"; exit $$status

$(addprefix test-shard-,$(TEST_SHARDS)): test-shard-%:
	@bin=$$($(SWIFT) build --show-bin-path); start=$$(date +%s); \
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
	rm -rf .build run .rebalancer

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
