# The two commands of the README, and the set-up both run first.
.PHONY: setup notebooks test lint readme-plot browser-check book

# any Python 3.10 or newer: make setup PYTHON=python3.12
PYTHON ?= python3

# .venv with environment.lock's versions, the rust kernel inside it, and (optional) mold and
# KaTeX; fast when all is there
setup:
	$(PYTHON) scripts/setup

# the main job: notebook 05 released from the nbgrader course's source, then every notebook
# executed and its outputs stored (and their plain-text copies)
notebooks: setup
	scripts/release-exercises
	scripts/check-notebooks --write
	scripts/export-notebooks

# every test: the crate's, then every notebook re-executed against its stored outputs, opened
# as cloned (untrusted, not run) and run in JupyterLab in headless Chromium (the solved copy of
# the exercise notebook too), the book built and read offline in Chromium, then the tests of
# the tooling (which also execute the solved exercise notebook and check every answer)
test: setup lint
	cargo test --features cli
	scripts/check-notebooks
	scripts/browser-check --as-cloned
	scripts/browser-check
	scripts/release-exercises --solved target/solved
	scripts/check-notebooks --write target/solved/05-your-turn.ipynb
	scripts/browser-check target/solved/05-your-turn.ipynb
	scripts/build-book
	scripts/book-check
	.venv/bin/python -m pytest -q tests/tools

# the loss plot in the README, made by `backprop train` (tests check it is current)
readme-plot:
	cargo run --release --features cli -- train --epochs 5000 --learning-rate 0.5 --out target/readme-plot
	cp target/readme-plot/loss.svg docs/loss.svg

# formatting, lints and the crate's documentation (every public item documented)
lint:
	cargo fmt --check
	cargo clippy --all-targets --features cli -- -D warnings
	RUSTDOCFLAGS="-D warnings -D missing_docs" cargo doc --no-deps

# the notebooks run through JupyterLab's interface in headless Chromium; screenshots in
# target/browser/
browser-check: setup
	scripts/browser-check

# the notebooks as a static site from their stored outputs (no cell runs): target/book/
book: setup
	scripts/build-book
