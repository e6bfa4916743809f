# The two set-up commands are `make demo` and `make test`; everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test check system-packages venv lint typecheck imports format constraints bench clean screenshots

demo: system-packages venv
	$(BIN)/village demo $(if $(DISPLAY),,--headless)

# The checks first (seconds), then the tests (minutes).
test: system-packages venv check
	$(BIN)/python -m pytest -q tests

check: lint typecheck imports

system-packages:
	@sh scripts/ensure-system-packages.sh

venv: $(STAMP)

# constraints.txt pins every library to the versions of a tested install (see `constraints`).
$(STAMP): setup.py constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt --config-settings editable_mode=compat -e '.[all,test]'
	touch $(STAMP)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy

imports: venv
	$(BIN)/lint-imports

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# After a `make test` that passed: pin the versions this virtual environment holds (the
# project itself left out); the Pi installs the same (scripts/install.sh). Check that the
# binary wheels exist for the Pi (aarch64) before committing a new pin (docs/architecture.md).
constraints:
	{ echo "# Versions of a tested install: make constraints (after make test passed)."; \
	  $(BIN)/pip freeze --exclude-editable | grep -v -i -E '^village(==| @)'; } > constraints.txt

# The README's screenshots of the console and the public site, made again by their browser tests.
screenshots: system-packages venv
	VILLAGE_SCREENSHOTS=$(CURDIR)/docs/screenshots $(BIN)/python -m pytest -q \
	  tests/test_console_pages.py tests/test_console_send.py tests/test_console_content.py \
	  tests/test_console_media.py tests/test_console_schedule.py tests/test_site_browser.py \
	  tests/test_site_notice.py tests/test_site_search.py

bench: venv
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info

# On the Pi (or, with ROLE=hub, the commune hub): sudo make install / sudo make uninstall.
# INSTALL_ARGS passes more options, e.g. INSTALL_ARGS="--config village.toml" or "--purge".
.PHONY: install uninstall
ROLE ?= pi
install:
	sh scripts/install.sh --role $(ROLE) $(INSTALL_ARGS)

uninstall:
	sh scripts/uninstall.sh $(INSTALL_ARGS)
