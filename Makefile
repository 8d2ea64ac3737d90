GO ?= go
PKGS := ./...

.PHONY: all build test test-short bench corpus corpus-expect corpus-baseline fmt lint fuzz clean

all: build

build:
	$(GO) build -o bin/ ./cmd/...

# deploy/ is a module of its own (the Kubernetes and BuildKit packages its
# tests use stay out of dpfw's go.mod); its tests build the image binaries.
test:
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 -timeout 20m $(PKGS)
	cd deploy && $(GO) vet ./... && $(GO) test -race -count=1 -timeout 20m ./...

# test-short skips the slow process-killing tests and runs without -race;
# the dpfw and slave binaries the tests start are then built without it
# too (they follow the test binary: cmd/internal/buildinfo.Info.Race).
test-short:
	$(GO) test -short -count=1 $(PKGS)

# bench runs the peers' workloads W1-W5 against 2 real slave processes
# (cmd/dpfw-bench; table on stdout, JSON in bin/bench.json), then the
# micro-benchmarks of the packages.
bench: build
	DPFW_SCALE=10,100,1000 DPFW_BENCH_TIMEOUT=600 bin/dpfw-bench -json bin/bench.json
	$(GO) test -run '^$$' -bench . -benchtime 2000x ./session ./eval ./master

# corpus runs the Go programs of eval/testdata/gocorpus through the real
# dpfw and slave binaries and prints a PASS / WRONG / ERROR / CRASH table;
# it fails when a program does worse (or, unrecorded, better) than
# eval/testdata/gocorpus/baseline.txt. make test runs the same check.
corpus: build
	bin/dpfw-corpus -policy baseline

# corpus-expect records each program's expected output with the Go
# toolchain (built and run as go run does); corpus-baseline re-records
# the baseline after a fix.
corpus-expect: build
	bin/dpfw-corpus -expect

corpus-baseline: build
	bin/dpfw-corpus -record

fmt:
	gofmt -w .

# staticcheck is pinned: v0.8.2 is staticcheck 2026.2.2, which supports
# Go 1.26. make lint installs it into bin/tools/ on first use (go install,
# from the module proxy) and reinstalls when the version here changes.
STATICCHECK_VERSION := v0.8.2
STATICCHECK := bin/tools/staticcheck-$(STATICCHECK_VERSION)/staticcheck

$(STATICCHECK):
	GOBIN=$(CURDIR)/$(dir $(STATICCHECK)) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

lint: $(STATICCHECK)
	@test -z "$$(gofmt -l .)" || (echo "gofmt needed:"; gofmt -l .; exit 1)
	$(GO) vet $(PKGS)
	$(GO) mod tidy -diff
	$(STATICCHECK) $(PKGS)
	cd deploy && $(GO) vet ./... && $(GO) mod tidy -diff && $(CURDIR)/$(STATICCHECK) ./...

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzHandshake -fuzztime 20s ./session
	$(GO) test -run '^$$' -fuzz '^FuzzFrame$$' -fuzztime 20s ./session
	$(GO) test -run '^$$' -fuzz FuzzFrameReader -fuzztime 20s ./session
	$(GO) test -run '^$$' -fuzz FuzzDecodeValue -fuzztime 20s ./session
	$(GO) test -run '^$$' -fuzz '^FuzzFastWireDecode$$' -fuzztime 20s ./session
	$(GO) test -run '^$$' -fuzz '^FuzzFastWireEncode$$' -fuzztime 20s ./session

clean:
	rm -rf bin
