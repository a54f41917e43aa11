# The course's two entry points. Each one works from a fresh clone: it creates
# the virtual environment .venv (Python 3.10 to 3.13, TensorFlow's wheels) and
# installs the project first.
#   make lab    open JupyterLab on notebooks/
#   make test   run every test: unit tests, the notebooks under nbval in quick
#               mode, and the browser tests (skipped where Chromium is absent)
#   make test-full  the notebooks under nbval in full mode, as a learner runs
#               them (about 5 minutes on 2 cores; CI runs it after make test)
#   make hooks  maintainers: lint and strip notebooks on every commit (pre-commit)
#   make grading  instructors and CI: .venv-grading, the course's environment with nbgrader on
#               top, for the graded edition (python -m course_tools.assignments, docs/instructors.md)
#   make site   the course as a static website in artifacts/site/, built from the
#               full-mode runs that make test-full saved in artifacts/executed/
#               (a notebook without a current run is run first)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: lab test test-full site hooks grading clean

# The course's JupyterLab settings (jupyter/README.md), read on top of the learner's own.
LAB_CONFIG_PATH := $(CURDIR)/jupyter

lab: $(INSTALLED)
	@# JupyterLab refuses to run as root (containers, some cloud machines) unless told it may.
	JUPYTER_CONFIG_PATH=$(LAB_CONFIG_PATH)$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH} $(BIN)/jupyter lab notebooks/ $$(test "$$(id -u)" = 0 && echo --allow-root)

# Two pytest-xdist workers; the browser tests run in order in one, each notebook in one, 04 to 06
# together, the unit tests wherever there is room (conftest.py, notebook_runs_scope).
test: $(INSTALLED)
	QUICK_TEST_MODE=1 $(BIN)/python -m pytest -n 2

test-full: $(INSTALLED)
	QUICK_TEST_MODE=0 $(BIN)/python -m pytest -n 2 notebooks/

site: $(INSTALLED)
	$(BIN)/python -m course_tools.site --mode full

$(INSTALLED): pyproject.toml vendor/package-lock.json
	@$(PYTHON) -c 'import sys; sys.exit(0 if (3, 10) <= sys.version_info[:2] <= (3, 13) else f"Python {sys.version.split()[0]}: TensorFlow ships wheels for Python 3.10 to 3.13 only: run make PYTHON=python3.12 (or 3.10, 3.11, 3.13), or open the course in Colab (README)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e ".[lab,test,site]"
	@# reveal.js and MathJax, embedded in exported slide decks and served by the website (make site), so that they open offline.
	@if command -v npm >/dev/null 2>&1; then npm ci --prefix vendor --no-audit --no-fund; \
	else echo "npm not found: slide export (python -m lesson_utils slides) and make site stay off until you run npm ci --prefix vendor"; fi
	touch $(INSTALLED)

# The graded edition's environment: a venv that reads .venv's packages (a .pth file) and adds the
# grading extra, so that nbgrader's JupyterLab extensions never reach the learners' make lab.
GRADING_VENV := .venv-grading
grading: $(GRADING_VENV)/.installed

$(GRADING_VENV)/.installed: $(INSTALLED)
	$(PYTHON) -m venv $(GRADING_VENV)
	$(BIN)/python -c 'import sysconfig; print("import site; site.addsitedir(%r)" % sysconfig.get_paths()["purelib"])' \
		> "$$($(GRADING_VENV)/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/course_venv.pth"
	$(GRADING_VENV)/bin/python -m pip install -e ".[grading]"
	@# nbgrader runs the command alembic by its name, with its own migrations: the same alembic
	@# as .venv's, once more here, for a command that runs this venv's Python.
	$(GRADING_VENV)/bin/python -m pip install --no-deps --ignore-installed \
		"alembic==$$($(GRADING_VENV)/bin/python -c 'from importlib.metadata import version; print(version("alembic"))')"
	touch $@

# Maintainers: ruff and nbstripout on every commit (.pre-commit-config.yaml).
hooks: $(INSTALLED)
	$(BIN)/python -m pip install -e ".[dev]"
	$(BIN)/pre-commit install

clean:
	rm -rf $(VENV) $(GRADING_VENV) artifacts vendor/node_modules
