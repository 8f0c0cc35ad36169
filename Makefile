# The two commands a newcomer runs: `make serve` and `make test`.
# Each creates .venv and installs what it needs first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PROJECT_REQS := $(wildcard projects/*/requirements.txt)
STAMP := $(VENV)/.installed

.PHONY: install serve build test bench clean

$(STAMP): pyproject.toml $(PROJECT_REQS) tools/setup_renderers.sh
	bash tools/setup_renderers.sh
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]' $(foreach r,$(PROJECT_REQS),-r $(r))
	touch $(STAMP)

install: $(STAMP)

build: $(STAMP)
	$(BIN)/shiplog build

serve: $(STAMP)
	$(BIN)/shiplog serve --host 127.0.0.1 --port 8000

test: $(STAMP)
	bash tests/setup_system.sh
	bash tools/fetch_commonmark_spec.sh
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf _site .shiplog-cache $(VENV)
