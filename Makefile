# ragcore entry points. Everything runs offline on embedded defaults (SQLite, embedded ChromaDB,
# filesystem blobs, in-process compute and worker) under RAGCORE_DATA_DIR (default ./.ragcore).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.ragcore-installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: install demo test serve lint clean

install: $(STAMP)

# CPU torch first (torch==2.13.0), or pip resolves a multi-GB CUDA build for sentence-transformers.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: install
	$(BIN)/ragcore migrate
	$(BIN)/ragcore ingest README.md docs/*.md --collection demo --create  # the docs, not their JSON figures
	$(BIN)/ragcore search "How does a retried ingestion job avoid duplicate vectors?" --collection demo --top-k 3

serve: install
	$(BIN)/ragcore serve

lint: install
	$(BIN)/lint-imports
	$(BIN)/ruff check src tests bench

test: install lint
	$(BIN)/pytest

clean:
	rm -rf .ragcore .pytest_cache
