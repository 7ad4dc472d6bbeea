# Two Plus Two: build the book, run the tests. Both create the virtual environment first.
#   make book    executes every chapter at full size (cached) and writes _build/html
#   make test    unit tests, every chapter executed small, and the browser check
#   make serve   serves _build/html on http://127.0.0.1:8000/ (the apps need a server, not file://)
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: book test lint assets chromium screenshots benchmark clean lab repository serve

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

# Local copies of plotly.js, require.js and the ipywidgets embedder (hash-checked), so the
# static site works offline and loads nothing from a CDN.
assets: $(STAMP)
	$(PY) scripts/fetch_web_assets.py

# Any warning fails the build (-W); --keep-going reports every warning before failing. Each
# chapter's execution time is printed at the end, read from the execution cache, pass or fail.
book: assets
	@TF_CPP_MIN_LOG_LEVEL=2 $(VENV)/bin/jupyter-book build -W --keep-going .; status=$$?; \
	$(PY) scripts/execution_times.py; \
	$(PY) scripts/claims_report.py; \
	if [ $$status -ne 0 ]; then echo "The build failed or warned (see above)."; exit $$status; fi
	@echo "Read it: make serve (then open the address it prints)"

# Debian's Chromium for the browser test (installed only where it is missing).
chromium:
	@test -n "$$CHROMIUM" || bash scripts/install_chromium.sh

# Lint and format check (configuration in pyproject.toml; the chapters at 80 columns in
# notebooks/ruff.toml), and the GitHub Actions workflows checked with actionlint (pinned in
# requirements.txt): a lint error fails `make test`, and so CI.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/actionlint

# The repository's address lives in _config.yml (repository.url); this writes it there and
# into every other place that names it (the chapters' Colab cells, the README's links):
#   make repository URL=https://github.com/me/my-fork
# Without URL, it lists the places and whether they agree (tests/test_repository.py too).
repository:
	$(PYTHON) scripts/repository.py $(URL)

test: lint assets chromium
	TF_CPP_MIN_LOG_LEVEL=2 $(PY) -m pytest

# The built book on this machine: prints the address to open (Ctrl+C stops it). Opened from
# disk instead (file://), the in-browser apps cannot load their models. SERVE_ARGS passes
# options through: make serve SERVE_ARGS="--port 8001 --prefix /two-plus-two"
serve:
	@test -f _build/html/index.html || { echo "No built book in _build/html: run make book first."; exit 1; }
	$(PY) scripts/serve.py --site _build/html $(SERVE_ARGS)

# Screenshots of the built site for humans: screenshots/*.png
screenshots: chromium
	$(PY) scripts/screenshot.py _build/html screenshots

# Read and run the chapters in JupyterLab: the version pinned in requirements.txt is installed
# into the book's environment if it is missing. Options pass through: make lab LAB_ARGS=--no-browser
LAB_PIN := $(shell grep -E '^jupyterlab==' requirements.txt)
lab: $(STAMP)
	@$(PY) -m pip show jupyterlab 2>/dev/null | grep -qx 'Version: $(subst jupyterlab==,,$(LAB_PIN))' \
		|| $(PY) -m pip install --quiet '$(LAB_PIN)'
	$(VENV)/bin/jupyter-lab $(LAB_ARGS) notebooks/

benchmark: $(STAMP)
	TF_CPP_MIN_LOG_LEVEL=2 $(PY) benchmarks/bench_grid.py

clean:
	rm -rf _build book/_static/vendor book/_static/models
