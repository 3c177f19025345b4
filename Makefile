# dream3d — the two commands of the quick start are `make demo` and `make test`.
# Both install the system packages they need first (scripts/install-deps.sh, idempotent).

SWIFT ?= swift
RELEASE = -c release
# Tests run optimised (numeric code is 10–100× slower in debug) and keep @testable imports working.
TEST_FLAGS = $(RELEASE) -Xswiftc -enable-testing --disable-xctest

.PHONY: deps build test bench demo quality clean

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build $(RELEASE)

test: deps
	$(SWIFT) test $(TEST_FLAGS)

bench: build
	$(SWIFT) run $(RELEASE) dream3d-bench

# The default recipe with the shipped built-in prior: a run folder runs/a-teddy-bear with mesh.obj,
# mesh.glb and preview.png, in a few minutes on two cores.
demo: build
	$(SWIFT) run $(RELEASE) dream3d "a teddy bear" --method sds --out runs/a-teddy-bear

# Issue 9's quality gate: generates the fixed prompts with the default recipe (minutes each on two cores,
# so hours in all; resumable: run it again to go on), then writes docs/quality.md and docs/gallery.png and
# fails when the gate does. Options go in QUALITY_FLAGS, e.g. make quality QUALITY_FLAGS="--model runs/prior".
QUALITY_FLAGS ?=
quality: build
	$(SWIFT) run $(RELEASE) dream3d eval quality $(QUALITY_FLAGS)

clean:
	rm -rf .build
