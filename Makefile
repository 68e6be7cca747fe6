# Two commands for a fresh machine:  make demo   (set up, verify the sample days)
#                                    make test   (set up, run the test suite)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Every install takes the versions pinned in requirements/constraints.txt (refresh: make lock)
PIP := $(BIN)/python -m pip install --quiet --constraint requirements/constraints.txt
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: setup setup-dev demo test lint lock bench-accuracy bench-speed clean

# the demo needs only the runtime dependencies; the tests add the dev extra
setup: $(STAMP)
setup-dev: $(DEV_STAMP)

$(STAMP): pyproject.toml requirements/constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(PIP) -e .
	$(BIN)/trajcheck warmup
	touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(PIP) -e '.[dev]'
	touch $(DEV_STAMP)

demo: setup
	$(BIN)/trajcheck demo
	@echo
	@echo "One day in full (the late sample), with its map report in Chinese:"
	$(BIN)/trajcheck verify --track sample_tracks/late/track.csv --tasks sample_tracks/late/tasks.csv --json out/demo/late.full.json --html out/demo/late.zh.html --lang zh
	@echo "  -> out/demo/late.full.json, out/demo/late.zh.html (open in a browser)"

test: lint
	$(BIN)/pytest

lint: setup-dev
	$(BIN)/ruff check trajectory api maps assessment batch tests benchmarks sample_tracks sample_data
	$(BIN)/mypy

bench-accuracy: setup-dev
	$(BIN)/python benchmarks/accuracy.py --seeds 20

bench-speed: setup-dev
	$(BIN)/python benchmarks/speed.py

# Re-pin every dependency (runtime and dev) to what PyPI serves today; commit the result.
lock:
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --no-header \
	  -o requirements/constraints.txt

clean:
	rm -rf $(VENV) out .pytest_cache
