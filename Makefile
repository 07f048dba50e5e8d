# peerlink: `make dev` to run it, `make test` to check everything, `make bench` for figures.
# Each target first installs whatever is missing (scripts/setup.sh, idempotent).
.PHONY: dev test bench setup

setup:
	@bash scripts/setup.sh

dev:
	@bash scripts/dev.sh

test:
	@bash scripts/test.sh

bench:
	@bash scripts/bench.sh

.PHONY: fuzz dist

# Bounded fuzzing on stable Rust: ≥ 1 M inputs per target (relay/examples/fuzz.rs).
fuzz:
	@bash scripts/fuzz.sh

# The release app in dist/ and the release relay binary, ready to copy (docs/deploy.md).
dist:
	@bash scripts/dist.sh
