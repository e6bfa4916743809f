# The two set-up commands are `make demo` and `make test`; everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test system-packages venv lint format bench clean

demo: system-packages venv
	$(BIN)/village demo $(if $(DISPLAY),,--headless)

test: system-packages venv
	$(BIN)/python -m pytest -q tests

system-packages:
	@sh scripts/ensure-system-packages.sh

venv: $(STAMP)

$(STAMP): setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --config-settings editable_mode=compat -e '.[all,test]'
	touch $(STAMP)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

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
