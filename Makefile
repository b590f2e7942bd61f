# catalog — `make demo` and `make test` do everything on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.DEFAULT_GOAL := help
.PHONY: help install lint fmt typecheck test check demo bench model clean

help:  ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 12

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install catalog with its dev tools

lint: $(STAMP)  ## ruff (style), import-linter (layers, one adapter per library, no cycles)
	$(VENV)/bin/ruff check catalog tests bench
	$(VENV)/bin/ruff format --check catalog tests bench
	$(VENV)/bin/lint-imports --no-cache

fmt: $(STAMP)  ## format the code
	$(VENV)/bin/ruff format catalog tests bench
	$(VENV)/bin/ruff check --fix catalog tests bench

typecheck: $(STAMP)  ## mypy --strict over the package
	$(VENV)/bin/mypy

test: lint typecheck  ## lint, type-check and run the tests (the CLI tests on SQLite too)
	$(PY) -m pytest -q
	CATALOG_TEST_BACKEND=sqlite $(PY) -m pytest -q -p no:cacheprovider tests/test_cli.py \
	  tests/test_review_cli.py tests/test_people_cli.py tests/test_backup.py tests/test_audio_cli.py

check: test  ## same as test

demo: $(STAMP)  ## ingest the bundled feeds/ into a throw-away catalog and browse it
	@set -e; tmp=$$(mktemp -d); export CATALOG_DB=$$tmp/demo.json; \
	echo "== catalog ingest feeds/   (throw-away catalog in $$tmp)"; \
	$(VENV)/bin/catalog ingest feeds/; \
	echo; echo "== catalog shows"; $(VENV)/bin/catalog shows; \
	echo; echo "== catalog summaries import feeds/summaries/   (scraped pages → episodes)"; \
	$(VENV)/bin/catalog summaries import feeds/summaries/; \
	echo; echo "== catalog list"; $(VENV)/bin/catalog list; \
	id=$$($(VENV)/bin/catalog list --search "Lavrov Tillerson" --limit 1 --json \
	      | $(PY) -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])'); \
	echo; echo "== catalog show $$id"; $(VENV)/bin/catalog show $$id; \
	echo; echo "== catalog match log --limit 5"; $(VENV)/bin/catalog match log --limit 5; \
	echo; echo "== catalog list guest:davis   (the guest across both shows)"; \
	$(VENV)/bin/catalog list guest:davis; \
	echo; echo "== catalog curate create davis … ; catalog export rss davis -o davis.xml"; \
	$(VENV)/bin/catalog curate create davis --title "Joseph Davis on the Radio" \
	  --description "Every radio appearance of Joseph Davis, blogger and researcher." \
	  --link https://curated.example.org/davis/ --feed-url https://curated.example.org/davis/feed.xml \
	  --image https://curated.example.org/davis.jpg --category "News/Politics" \
	  --author "catalog demo" --owner-email demo@example.org --query 'guest:"joseph davis"'; \
	$(VENV)/bin/catalog export rss davis -o $$tmp/davis.xml; \
	grep -E "<title>|podcast:person" $$tmp/davis.xml; \
	if [ -f ../shared/tools/validate_podcast_rss.py ]; then \
	  $(PY) ../shared/tools/validate_podcast_rss.py $$tmp/davis.xml && echo "davis.xml: valid podcast RSS"; fi; \
	rm -rf "$$tmp"

bench: $(STAMP)  ## benchmarks (ratios to baselines measured in the same run), credits quality
	$(PY) bench/credits_eval.py
	$(PY) bench/credits_bench.py
	$(PY) bench/pages_eval.py
	$(PY) bench/catalog_bench.py
	$(PY) bench/ingest_bench.py
	$(PY) bench/tiny_bench.py
	$(PY) bench/match_bench.py
	$(PY) bench/people_bench.py
	$(PY) bench/startup_bench.py
	$(PY) bench/scan_bench.py

model: $(STAMP)  ## retrain the credits role model from the labelled sets (needs ../shared)
	$(PY) bench/credits_train.py

clean:  ## remove the virtualenv and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
