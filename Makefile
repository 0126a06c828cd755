# Two commands on a fresh machine (see README):  make app   |   make test
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
APP     ?= notebooks/app.ipynb
PORT    ?= 8866
HOST    ?= 127.0.0.1
# preheated kernels: 2 for one person on a laptop (and voila.json, which Binder reads too); a course room or an
# intranet sets POOL=20 (docs/deploy.md)
POOL    ?= 2

.PHONY: app room test setup lint benchmark examples vidensdatabase kursus screenshots clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

## Set up and open the calculation app in Voilà (http://localhost:$(PORT)) on the shipped knowledge base
## (voila.json: a pool of preheated kernels, idle kernels culled; share/jupyter: the Danish page template)
app: $(STAMP)
	JUPYTER_PATH=$(CURDIR)/share/jupyter $(BIN)/voila $(APP) --port=$(PORT) --Voila.ip=$(HOST) --no-browser --template=som --VoilaConfiguration.default_pool_size=$(POOL)

## The app for a course room or an intranet: Voilà behind nginx, which sends the ~100 static files every page
## loads from its cache (python -m som_voila.room; needs Debian's nginx-light). A pool of 20, or POOL=60 for 60 at once
room: $(STAMP)
	scripts/ensure-nginx
	$(BIN)/python -m som_voila.room --port=$(PORT) --host=$(HOST) --pool=$(if $(filter command line,$(origin POOL)),$(POOL),20)

## Set up (incl. Debian's chromium for browser tests, LibreOffice for the paper's PDF check and nginx for the room's
## proxy test) and run every test, plus ruff
test: $(STAMP)
	scripts/ensure-chromium
	scripts/ensure-libreoffice
	scripts/ensure-nginx
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n 2 --dist loadfile

## Refresh the README's screenshots (docs/screenshots/) with the browser test that takes them; `make test` saves
## its screenshots in pytest's temporary folder and leaves docs/screenshots/ as it is
screenshots: $(STAMP)
	scripts/ensure-chromium
	SOM_SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser/test_app_browser.py -k screenshot

## Browse the knowledge base in Voilà (same port)
vidensdatabase: $(STAMP)
	$(MAKE) app APP=notebooks/vidensdatabase.ipynb

## Open the course in Voilà: every lesson as a page, answered in fields (no code); index at /voila/render/00_oversigt.ipynb
kursus: $(STAMP)
	@echo "Kurset: http://$(HOST):$(PORT)/voila/render/00_oversigt.ipynb"
	$(BIN)/voila notebooks/kursus --port=$(PORT) --Voila.ip=$(HOST) --no-browser \
		--VoilaConfiguration.preheat_kernel=False --MappingKernelManager.cull_idle_timeout=1800 \
		--MappingKernelManager.cull_interval=300

## Run every example notebook with papermill into output/examples/ (executed notebooks, HTML reports, key figures)
examples: $(STAMP)
	$(BIN)/python -m som_kernel.examples run-all

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

benchmark: $(STAMP)
	for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) output .pytest_cache .ruff_cache .hypothesis
