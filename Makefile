# CaseFlow 案流 — `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha256sum requirements.txt | cut -c1-12)

.PHONY: run test test-sqlite test-postgresql bench venv sysdeps-run sysdeps-test sysdeps-bench

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $(STAMP)

venv: $(STAMP)

sysdeps-run:
	@bash scripts/sysdeps.sh run

sysdeps-test:
	@bash scripts/sysdeps.sh test

sysdeps-bench:
	@bash scripts/sysdeps.sh bench

run: sysdeps-run venv
	$(BIN)/flask --app wsgi caseflow migrate
	$(BIN)/flask --app wsgi caseflow seed-demo
	@echo "CaseFlow 案流 正在 http://127.0.0.1:5000 运行（Ctrl-C 停止）"
	$(BIN)/flask --app wsgi run --host 127.0.0.1 --port 5000

test: sysdeps-test venv
	$(BIN)/python -m pytest -q --db=sqlite
	$(BIN)/python -m pytest -q --db=postgresql -m "not browser"

test-sqlite: venv
	$(BIN)/python -m pytest -q --db=sqlite

test-postgresql: venv
	$(BIN)/python -m pytest -q --db=postgresql -m "not browser"

# Benchmarks of DESIGN.md §9; generated databases are cached under instance/bench/ (the first run generates them).
bench: sysdeps-bench venv
	$(BIN)/python bench/run.py
