# The Tornado workbook. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# What is installed into .venv, once each (a stamp file per set): the chapters' packages
# (requirements.txt); what the suite and Jupyter add (requirements-dev.txt); the benchmark's
# peers (requirements-bench.txt).
READY  := $(VENV)/.installed
DEV    := $(VENV)/.installed-dev
BENCH  := $(VENV)/.installed-bench
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check
PORT   ?=
YES    ?=

.PHONY: help test progress lab system lock notebooks clean bench
.DEFAULT_GOAL := help

help:
	@echo "Working through chapter NN (01, 02, ...):"
	@echo "  make chapter-NN [PORT=8888]  serve chapter NN's app on 127.0.0.1; Ctrl-C stops it"
	@echo "  make try-NN [PORT=8888]      serve YOUR chapters/chNN_*/exercise.py (its make_app())"
	@echo "  make check-NN                check your exercise.py: what passes, what is still asked"
	@echo "  make watch-NN                run check-NN again each time you save exercise.py"
	@echo "  make hint-NN                 one more hint (concept first, code last)"
	@echo "  make diff-NN                 your exercise.py against the reference solution"
	@echo "  make reset-NN [YES=1]        back to the untouched exercise (your file is kept)"
	@echo "  make progress                every chapter: solved or not, hints used"
	@echo "  make lab [PORT=8888]         Jupyter on notebooks/"
	@echo "The workbook itself:"
	@echo "  make test                    the whole suite (installs what it needs)"
	@echo "  make bench                   the async claims, measured"
	@echo "  make system                  the Debian packages the suite needs (as root)"
	@echo "  make notebooks               re-run every notebook and store its outputs"
	@echo "  make lock                    re-pin requirements*.txt from requirements*.in"
	@echo "  make clean                   remove .venv and the apps' data (var/)"
	@echo "  make help                    this list"

# The targets above without their number print this help instead of "No rule to make target".
NUMBERED := chapter try check watch hint diff reset
.PHONY: $(NUMBERED) $(addsuffix -,$(NUMBERED))
$(NUMBERED) $(addsuffix -,$(NUMBERED)): help
	@echo; echo "make $(@:-=) needs a chapter number: make $(@:-=)-01, for example."

# First use: a virtualenv with the chapters' pinned packages, and the repository on its sys.path
# (a .pth file) so that notebooks and `python -m chapters...` find the chapters.
$(READY): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "The workbook needs Python 3.11 or newer (PYTHON=python3.11 make ...)")'
	@echo "First run: installing the chapters' packages into $(VENV)/ (requirements.txt:" \
	      "$$(grep -c '==' requirements.txt) packages, about 115 MB), once."
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	@$(PIP) -r requirements.txt
	@$(BIN)/python -c 'import sysconfig, pathlib; pathlib.Path(sysconfig.get_paths()["purelib"], "tornado-workbook.pth").write_text("$(CURDIR)\n")'
	@touch $@

$(DEV): $(READY) requirements-dev.txt
	@echo "Installing what the suite, Jupyter and the notebooks add (requirements-dev.txt:" \
	      "$$(grep -c '==' requirements-dev.txt) packages, about 370 MB), once."
	@$(PIP) -r requirements-dev.txt
	@touch $@

$(BENCH): $(READY) $(wildcard requirements-bench.txt)
	$(if $(wildcard requirements-bench.txt),@$(PIP) -r requirements-bench.txt)
	@touch $@

chapter-%: $(READY)
	@$(BIN)/python -m workbook serve $* $(if $(PORT),--port=$(PORT))

try-%: $(READY)
	@$(BIN)/python -m workbook try $* $(if $(PORT),--port=$(PORT))

check-%: $(READY)
	@$(BIN)/python -m workbook check $*

watch-%: $(READY)
	@$(BIN)/python -m workbook watch $*

hint-%: $(READY)
	@$(BIN)/python -m workbook hint $*

diff-%: $(READY)
	@$(BIN)/python -m workbook diff $*

reset-%: $(READY)
	@$(BIN)/python -m workbook reset $* $(if $(YES),--yes)

progress: $(READY)
	@$(BIN)/python -m workbook progress

lab: $(DEV)
	@$(BIN)/python -m workbook lab $(if $(PORT),--port=$(PORT))

system:
	@$(PYTHON) -m workbook.system

test: $(DEV) system
	$(BIN)/python -m pytest chapters tests notebooks \
		--nbval --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg

# Maintainers: re-run every notebook and store its outputs (nbval compares against them).
notebooks: $(DEV)
	$(BIN)/python -m workbook.notebooks notebooks/*.ipynb

# Maintainers: re-pin requirements.txt from requirements.in, then requirements-dev.txt from
# requirements-dev.in (what it adds, the shared packages held at requirements.txt's pins), in a
# scratch virtualenv.
LOCK := /tmp/workbook-lock
lock:
	rm -rf $(LOCK) && $(PYTHON) -m venv $(LOCK)
	$(LOCK)/bin/pip install --quiet -r requirements.in
	{ echo "# What the chapters need, pinned exactly (generated from requirements.in by 'make lock')."; \
	  $(LOCK)/bin/pip freeze --all | grep -v '^pip=='; } > requirements.txt
	$(LOCK)/bin/pip install --quiet -c requirements.txt -r requirements-dev.in
	{ echo "# What the suite, Jupyter and the notebooks add, pinned exactly (generated from requirements-dev.in"; \
	  echo "# by 'make lock'). The chapters' own packages are in requirements.txt."; \
	  echo "-r requirements.txt"; \
	  $(LOCK)/bin/pip freeze --all | grep -v '^pip==' | grep -vxFf requirements.txt; } > requirements-dev.txt

# Your progress and the backups of `make reset-NN` live in .workbook/, which clean keeps.
clean:
	rm -rf $(VENV) var .pytest_cache

# The workbook's speed claims, measured: prints a table and writes bench/RESULTS.md.
bench: $(BENCH) system
	$(BIN)/python -m bench
