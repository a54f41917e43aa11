# The course's two entry points. Each one works from a fresh clone: it creates
# the virtual environment .venv (Python 3.11+) and installs the project first.
#   make lab    open JupyterLab on notebooks/
#   make test   run every test: unit tests, the notebooks under nbval in quick
#               mode, and the browser tests (skipped where Chromium is absent)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: lab test slides clean

lab: $(INSTALLED)
	$(BIN)/jupyter lab notebooks/

test: $(INSTALLED)
	QUICK_TEST_MODE=1 $(BIN)/python -m pytest

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed: run make PYTHON=python3.11 (or newer)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e ".[lab,test]"
	touch $(INSTALLED)

clean:
	rm -rf $(VENV) artifacts
