# The two commands of the README, and the set-up both run first.
.PHONY: setup notebooks test readme-plot

# .venv with environment.yml's pins, the rust kernel inside it, mold; fast when all is there
setup:
	python3 scripts/setup

# the main job: execute every notebook and store its outputs
notebooks: setup
	scripts/check-notebooks --write

# every test: the crate's, then every notebook re-executed against its stored outputs,
# then the tests of the tooling
test: setup
	cargo test
	scripts/check-notebooks
	.venv/bin/python -m pytest -q tests/tools

# the loss plot in the README, made by the train example (tests check it is current)
readme-plot:
	cargo run --release --example train -- --epochs 5000 --learning-rate 0.5 --out target/readme-plot
	cp target/readme-plot/loss.svg docs/loss.svg
