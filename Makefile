# CaseFlow 案流 — `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha256sum requirements.txt | cut -c1-12)

.PHONY: run lint test test-any-day test-sqlite test-postgresql bench venv sysdeps-run sysdeps-test sysdeps-bench

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

# Gates before the suite: ruff on the whole repository, mypy on the application (config in pyproject.toml).
lint: venv
	$(BIN)/ruff check .
	$(BIN)/mypy caseflow workflows

# Both databases always run; each is reported, and the target fails if either did. PYTEST_ARGS adds options
# (e.g. PYTEST_ARGS="-x -k deadline"); PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test: sysdeps-test venv lint
	@sqlite=0; postgresql=0; \
	echo "== SQLite（含浏览器测试）"; $(PYTEST) --db=sqlite || sqlite=$$?; \
	echo "== PostgreSQL"; $(PYTEST) --db=postgresql -m "not browser" || postgresql=$$?; \
	echo "SQLite: $$([ $$sqlite = 0 ] && echo 通过 || echo "失败（pytest 退出码 $$sqlite）")"; \
	echo "PostgreSQL: $$([ $$postgresql = 0 ] && echo 通过 || echo "失败（pytest 退出码 $$postgresql）")"; \
	[ $$sqlite = 0 ] && [ $$postgresql = 0 ]

# The whole suite under faketime at a Saturday, a Sunday, National Day, a 调休 workday and New Year's Eve.
test-any-day: sysdeps-test venv
	bash scripts/test-any-day.sh

test-sqlite: venv
	$(PYTEST) --db=sqlite

test-postgresql: venv
	$(PYTEST) --db=postgresql -m "not browser"

# The quality targets of docs/architecture.md; generated databases are cached under instance/bench/ (the first run generates them).
bench: sysdeps-bench venv
	$(BIN)/python bench/run.py
