# Two commands for a fresh machine:  make demo   (set up, verify the sample days)
#                                    make test   (set up, run the test suite)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint bench-accuracy bench-speed clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: setup
	$(BIN)/trajcheck demo
	@echo
	@echo "One day in full (the late sample), with its map report in Chinese:"
	$(BIN)/trajcheck verify --track sample_tracks/late/track.csv --tasks sample_tracks/late/tasks.csv --json out/demo/late.full.json --html out/demo/late.zh.html --lang zh
	@echo "  -> out/demo/late.full.json, out/demo/late.zh.html (open in a browser)"

test: lint
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check trajectory api maps assessment batch tests benchmarks sample_tracks sample_data
	$(BIN)/mypy

bench-accuracy: setup
	$(BIN)/python benchmarks/accuracy.py --seeds 20

bench-speed: setup
	$(BIN)/python benchmarks/speed.py

clean:
	rm -rf $(VENV) out .pytest_cache
