# Two commands set everything up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run test test-fast test-dates lint clean

$(BIN)/python:
	@echo "Creating the virtual environment in $(VENV)"
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the project's dependencies may have changed.
$(INSTALLED): pyproject.toml | $(BIN)/python
	@echo "Installing PM Portfolio and its dependencies into $(VENV) (a minute the first time)"
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar on -e '.[dev]'
	touch $(INSTALLED)

install: $(INSTALLED)

run: install
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app run --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The inner loop: everything but the browser, the load test, the fuzzers and page checkers.
test-fast: install
	$(BIN)/python -m pytest -m "not slow and not e2e" $(PYTEST_ARGS)

# The fast suite on the days date rules break on, under Debian's faketime (apt-get install
# faketime): the first day of a year, 29 February late at night, a 2nd of a month.
# Its monotonic clock stays real, or threads' timed waits never end.
# `make test-dates PYTEST_ARGS='$(DATE_TESTS)'` (quoted so): only the tests of what reckons
# with dates, as CI runs them.
DATES_TO_TEST := "2027-01-01 00:05:00" "2028-02-29 23:40:00" "2027-03-02 12:00:00"
DATE_TESTS := $(addprefix tests/test_,$(addsuffix .py,dashboard goals digest reminders \
	applications applications_csv calendar time_zones coach learnings products sharing \
	first_hour feedback proof accounts sessions view_sources sitemap journal_draft exports))
test-dates: install
	@command -v faketime >/dev/null || { echo "make test-dates needs faketime: apt-get install faketime"; exit 1; }
	@for moment in $(DATES_TO_TEST); do \
		echo "--- the fast suite on $$moment"; \
		FAKETIME_DONT_FAKE_MONOTONIC=1 faketime "$$moment" \
			$(BIN)/python -m pytest -m "not slow and not e2e" -q -p no:cacheprovider $(PYTEST_ARGS) || exit 1; \
	done

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
