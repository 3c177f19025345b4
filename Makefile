# dream3d — the two commands of the quick start are `make demo` and `make test`.
# Both install the system packages they need first (scripts/install-deps.sh, idempotent).

SWIFT ?= swift
RELEASE = -c release
# Tests run optimised (numeric code is 10–100× slower in debug) and keep @testable imports working.
TEST_FLAGS = $(RELEASE) -Xswiftc -enable-testing --disable-xctest

.PHONY: deps build test bench demo clean

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

clean:
	rm -rf .build
