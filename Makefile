# Two commands on a fresh machine: `make chat` talks to the bot, `make test` runs the tests.
# Both create the virtual environment in .venv on first use.
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: chat test lint check

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

chat: $(VENV)/.installed
	$(PY) -m devtools chat

test: $(VENV)/.installed
	$(PY) -m pytest -q -n auto

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

check: $(VENV)/.installed
	$(PY) -m bot check
	$(PY) -m devtools i18n check
