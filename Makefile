# The Tornado workbook. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.installed
PORT   ?=

.PHONY: help test progress lab system lock notebooks clean bench
.DEFAULT_GOAL := help

help:
	@echo "make chapter-NN [PORT=8888]  serve chapter NN's app on 127.0.0.1"
	@echo "make check-NN                check your chapters/chNN_*/exercise.py"
	@echo "make progress                which exercises are solved, and the next hint"
	@echo "make test                    the whole suite (installs what it needs)"
	@echo "make lab                     Jupyter on notebooks/"
	@echo "make bench                   the async claims, measured"

# First use: a virtualenv with the pinned requirements, and the repository on its sys.path
# (a .pth file) so that notebooks and `python -m chapters...` find the chapters.
$(READY): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "The workbook needs Python 3.11 or newer (PYTHON=python3.11 make ...)")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -c 'import sysconfig, pathlib; pathlib.Path(sysconfig.get_paths()["purelib"], "tornado-workbook.pth").write_text("$(CURDIR)\n")'
	touch $@

chapter-%: $(READY)
	@$(BIN)/python -m workbook serve $* $(if $(PORT),--port=$(PORT))

check-%: $(READY)
	@$(BIN)/python -m workbook check $*

progress: $(READY)
	@$(BIN)/python -m workbook progress

system:
	@$(PYTHON) -m workbook.system

test: $(READY) system
	$(BIN)/python -m pytest chapters tests notebooks \
		--nbval --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg

lab: $(READY)
	$(BIN)/jupyter lab notebooks/

# Maintainers: re-run every notebook and store its outputs (nbval compares against them).
notebooks: $(READY)
	$(BIN)/python -m workbook.notebooks notebooks/*.ipynb

# Maintainers: re-pin requirements.txt from requirements.in in a scratch virtualenv.
lock:
	rm -rf /tmp/workbook-lock && $(PYTHON) -m venv /tmp/workbook-lock
	/tmp/workbook-lock/bin/pip install --quiet -r requirements.in
	{ echo "# Every package the workbook installs, pinned exactly (generated from requirements.in by 'make lock')."; \
	  /tmp/workbook-lock/bin/pip freeze --all | grep -v '^pip=='; } > requirements.txt

clean:
	rm -rf $(VENV) var .pytest_cache

# The workbook's speed claims, measured: prints a table and writes bench/RESULTS.md.
bench: $(READY) system
	$(BIN)/python -m bench
