# MTRS for QGIS. `make demo` runs the main job, `make test` the whole test suite; both set up first if needed.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.mtrs-requirements.sha256
export QT_QPA_PLATFORM ?= offscreen
# pb_tool's own default is a QGIS 4 profile folder, which QGIS 3.x never reads
QGIS_PLUGIN_DIR ?= $(HOME)/.local/share/QGIS/QGIS3/profiles/default/python/plugins

.PHONY: setup test test-engine test-plugin lint demo bench zip deploy lock assets screenshot clean

$(STAMP): requirements/engine.txt requirements/dev.txt requirements/constraints.txt requirements/nodeps.txt \
          pyproject.toml scripts/setup.sh
	MTRS_VENV=$(VENV) bash scripts/setup.sh

setup:
	MTRS_VENV=$(VENV) bash scripts/setup.sh

assets: $(STAMP)
	bash scripts/build_assets.sh

test: $(STAMP) assets
	$(PY) -m pytest tests

test-engine: $(STAMP)
	$(PY) -m pytest tests/engine

test-plugin: $(STAMP) assets
	$(PY) -m pytest tests/plugin tests/e2e

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

demo: $(STAMP) assets
	$(VENV)/bin/python scripts/demo.py

bench: $(STAMP)
	$(VENV)/bin/mtrs bench pipeline --out docs/BENCHMARKS.md

# the archive needs neither the engine venv nor pb_tool: the Python standard library zips the files pb_tool.cfg
# names (the committed Qt assets are refreshed first when pyrcc5/lrelease are installed)
PLUGIN_ZIP ?= dist/mtrs.zip
zip:
	bash scripts/build_assets.sh
	python3 scripts/build_zip.py --out "$(PLUGIN_ZIP)"

deploy: $(STAMP) assets
	cd $(CURDIR) && $(VENV)/bin/pb_tool deploy -y -n -p "$(QGIS_PLUGIN_DIR)"

lock: $(STAMP)
	bash scripts/lock.sh

screenshot: $(STAMP) assets
	$(PY) scripts/screenshot.py

clean:
	rm -rf zip_build build .pytest_cache .ruff_cache
