# Compliant debt-collection assistant: `make run` starts everything, `make test` checks everything.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV      := .venv
PY        := $(VENV)/bin/python
RASA      := $(VENV)/bin/rasa
STAMP     := $(VENV)/.installed
MODEL     := models/collection.tar.gz
SPACY_DIR := var/spacy/zh_jieba
GUARD     := var/models/guard/guard.npz
RASA_PORT    ?= 5005
export ACTIONS_PORT ?= 5055
export WEB_PORT ?= 8000

# Keep Rasa, TensorFlow, jieba and matplotlib from writing outside the repo, and telemetry off.
export RASA_TELEMETRY_ENABLED := false
RUNTIME_ENV := HOME=$(CURDIR)/var/home TMPDIR=$(CURDIR)/var/tmp KERAS_HOME=$(CURDIR)/var/home/.keras \
               MPLCONFIGDIR=$(CURDIR)/var/home/.matplotlib PYTHONDONTWRITEBYTECODE=1
# Rasa's training data (data/compliance and data/answer_fit belong to the guard; Rasa skips them).
DATA_FILES := $(shell find data \( -path data/compliance -o -path data/answer_fit \) -prune -o -type f -name '*.yml' -print 2>/dev/null)
# Each build step depends on exactly the code it runs (bin/module-deps follows the imports):
# the model on the custom components config.yml names, the guard on its training code.
NLU_CODE   := $(shell bin/module-deps --config config.yml)
GUARD_CODE := $(shell bin/module-deps bot.compliance.train)

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# ---------------------------------------------------------------- setup
$(PY):
	$$(bin/find-python) -m venv $(VENV)

$(STAMP): requirements.lock pyproject.toml | $(PY)
	$(PY) -m pip install -qq --disable-pip-version-check --upgrade 'pip==24.0'
	$(PY) -m pip install -qq --disable-pip-version-check --no-deps -r requirements.lock
	$(PY) -m pip install -qq --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

.PHONY: install
install: $(STAMP) dirs ## Create .venv with Python 3.10 and the locked dependencies (idempotent)

.PHONY: dirs
dirs:
	@mkdir -p var/tmp var/home var/models results

$(SPACY_DIR)/meta.json: | $(STAMP)
	$(RUNTIME_ENV) $(PY) -m bot.nlu.spacy_model $(SPACY_DIR)

.PHONY: spacy-model
spacy-model: install $(SPACY_DIR)/meta.json ## Build the offline blank spaCy zh pipeline (jieba)

.PHONY: db
db: install ## Migrate the database (DATABASE_URL, default SQLite in var/) and load the demo accounts (on request only: never in run-prod)
	$(RUNTIME_ENV) $(PY) -m bot.db.demo

$(MODEL): config.yml domain.yml $(DATA_FILES) $(NLU_CODE) | $(STAMP) $(SPACY_DIR)/meta.json
	# --force: Rasa's training cache keys on data and config, not on our components' code; make has
	# already decided that something the model uses changed.
	$(RUNTIME_ENV) bin/timed results/train-time.json -- $(RASA) train --config config.yml --domain domain.yml --data data \
	    --out models --fixed-model-name collection --force
	touch $@

.PHONY: train
train: install spacy-model $(MODEL) ## Train the Rasa model (only when data, config or NLU code changed)

$(GUARD): $(wildcard data/compliance/*.yml) $(wildcard data/answer_fit/*.yml) $(GUARD_CODE) | $(STAMP)
	$(RUNTIME_ENV) $(PY) -m bot.compliance.train

.PHONY: guard-train
guard-train: install $(GUARD) ## Build the compliance guard's classifier (var/models/guard/)

# ---------------------------------------------------------------- run
.PHONY: run
run: install spacy-model db train guard-train ## Set up everything and start it all (Rasa :5005, actions :5055, web :8000)
	RASA_PORT=$(RASA_PORT) ACTIONS_PORT=$(ACTIONS_PORT) WEB_DEV=$${WEB_DEV:-1} $(RUNTIME_ENV) bin/run-stack

# The production profile: our data and Rasa's conversations in PostgreSQL, a Redis lock store,
# RASA_INSTANCES Rasa instances (default one per core) on loopback behind nginx, which listens on
# EDGE_HOST:RASA_PORT (a deployment sets EDGE_HOST=0.0.0.0 deliberately) and passes only the
# borrower endpoints (see bin/run-stack). Override the variables for a real deployment.
RASA_INSTANCES ?= $(shell nproc)
EDGE_HOST      ?= 127.0.0.1
NGINX          := /usr/sbin/nginx
PROD_ENV := DATABASE_URL=$${DATABASE_URL:-postgresql+psycopg2://postgres@127.0.0.1:5432/test} \
  TRACKER_DB_URL=$${TRACKER_DB_URL:-postgresql+psycopg2://postgres@127.0.0.1:5432/test} \
  ACTION_ENDPOINT_URL=http://127.0.0.1:$(ACTIONS_PORT)/webhook \
  TRACKER_DB_HOST=$${TRACKER_DB_HOST:-127.0.0.1} TRACKER_DB_PORT=$${TRACKER_DB_PORT:-5432} \
  TRACKER_DB_NAME=$${TRACKER_DB_NAME:-test} TRACKER_DB_USER=$${TRACKER_DB_USER:-postgres} \
  TRACKER_DB_PASSWORD=$${TRACKER_DB_PASSWORD:-} REDIS_HOST=$${REDIS_HOST:-127.0.0.1} \
  REDIS_PORT=$${REDIS_PORT:-6379} REDIS_DB=$${REDIS_DB:-0}

.PHONY: run-prod
run-prod: install spacy-model train guard-train $(NGINX) ## Production profile: nginx edge on RASA_PORT, RASA_INSTANCES Rasa, PostgreSQL + Redis
	$(PROD_ENV) $(RUNTIME_ENV) $(PY) -m bot.db.migrate
	$(PROD_ENV) RASA_PORT=$(RASA_PORT) ACTIONS_PORT=$(ACTIONS_PORT) ENDPOINTS=endpoints.prod.yml \
	  RASA_INSTANCES=$(RASA_INSTANCES) EDGE=nginx EDGE_HOST=$(EDGE_HOST) $(RUNTIME_ENV) bin/run-stack

.PHONY: web
web: install db ## Start the web app alone on WEB_PORT (Rasa at RASA_URL, default 127.0.0.1:5005; local cookies)
	WEB_DEV=$${WEB_DEV:-1} $(RUNTIME_ENV) $(PY) -m bot.web

.PHONY: web-user
web-user: install db ## Create a staff user: make web-user NAME=alice ROLE=agent|trainer|admin
	$(RUNTIME_ENV) $(PY) -m bot.web.users add $(NAME) --role $(ROLE)

# ---------------------------------------------------------------- checks
.PHONY: lint
lint: install ## ruff (lint and format check) and mypy (strict on bot/, pyproject.toml)
	$(VENV)/bin/ruff check bot actions tests
	$(VENV)/bin/ruff format --check bot actions tests
	$(RUNTIME_ENV) $(VENV)/bin/mypy

.PHONY: scripts-lint
scripts-lint: guard-train ## Scripts library: schema, ids, guard, disclosures, placeholders, domain
	$(RUNTIME_ENV) $(PY) -m bot.scripts lint

.PHONY: unit
unit: install spacy-model guard-train $(NGINX) notice-deps ## pytest: unit, database (SQLite and PostgreSQL), action tests
	$(RUNTIME_ENV) $(PY) -m pytest -q tests/unit

/usr/bin/chromium:
	apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-wqy-microhei

.PHONY: browser
browser: /usr/bin/chromium ## Debian's Chromium and a CJK font for the browser tests (needs root)

# Formal notices (python -m bot.notices): WeasyPrint lays text out with Debian's pango, subsets the
# font with harfbuzz's subsetter and finds the CJK font through fontconfig; the tests read the PDF
# with poppler's pdftotext and pdffonts.
NOTICE_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-wqy-microhei poppler-utils

.PHONY: notice-deps
notice-deps: ## Debian's pango, a CJK font and poppler-utils for formal notices and their tests (needs root)
	@dpkg -s $(NOTICE_DEBS) >/dev/null 2>&1 || \
	  { apt-get update -qq && apt-get install -y -qq --no-install-recommends $(NOTICE_DEBS); }

# Debian 12's nginx (nginx-light is only nginx plus the echo module there). On a host with an init
# system, apt also enables the system's own nginx service on :80; run-prod does not use it.
$(NGINX):
	apt-get update -qq && apt-get install -y -qq --no-install-recommends nginx

.PHONY: nginx
nginx: $(NGINX) ## Debian's nginx for the production edge and its tests (needs root)

.PHONY: e2e
e2e: train guard-train browser ## End-to-end on one real stack: NLU floor, conversation tests, REST, browser
	$(RUNTIME_ENV) $(PY) -m pytest -q tests/e2e

# Fault tests under load on the production layout (tests/prod): 50 borrowers through nginx to two
# Rasa instances on PostgreSQL + Redis; one instance stopped, PostgreSQL and Redis each stopped for
# 2 s and started again mid-run. Stops and starts the machine's PostgreSQL cluster and Redis (root),
# so it is not part of `make test`. Uses the model as it is (`make train` first; never trains).
# About 4-5 minutes.
.PHONY: test-prod
test-prod: install spacy-model guard-train $(NGINX) ## Fault tests under load on the trained model: instance, PostgreSQL, Redis down (root)
	$(RUNTIME_ENV) $(PY) -m pytest -q -s -rxs --basetemp=var/test-prod tests/prod

.PHONY: validate
validate: install ## rasa data validate
	$(RUNTIME_ENV) $(RASA) data validate --config config.yml --domain domain.yml --data data --fail-on-warnings

.PHONY: eval
eval: train guard-train ## Reports: NLU on tests/nlu (P/R/F1, entities, confusions); guard per category
	BOT_TODAY=2026-11-30 $(RUNTIME_ENV) $(PY) -m bot.nlu.evaluate --model $(MODEL) --data tests/nlu \
	    --floor 0.90 --report results/nlu
	$(RUNTIME_ENV) $(PY) -m bot.compliance.evaluate
	$(RUNTIME_ENV) $(PY) -m bot.compliance.answer_fit_eval --data tests/answer_fit/heldout_6.yml --floor 0
	$(RUNTIME_ENV) $(PY) -m bot.compliance.answer_fit_eval --data tests/answer_fit/heldout_6.yml --floor 0 \
	    --model $(MODEL)
	$(RUNTIME_ENV) $(PY) -m bot.compliance.answer_fit_eval --data tests/answer_fit/heldout_6.yml --floor 0 \
	    --model $(MODEL) --learned

.PHONY: guard-eval
guard-eval: guard-train ## Guard recall / false alarms on held-out sentences (fails under 0.95 / over 0.05); answer-fit on its dev pairs
	$(RUNTIME_ENV) $(PY) -m bot.compliance.evaluate
	$(RUNTIME_ENV) $(PY) -m bot.compliance.answer_fit_eval --data data/answer_fit/dev.yml --floor 0.95
	$(RUNTIME_ENV) $(PY) -m bot.compliance.answer_fit_eval --data data/answer_fit/spent_1.yml --floor 0.95
	$(RUNTIME_ENV) $(PY) -m bot.compliance.answer_fit_eval --data data/answer_fit/spent_2.yml --floor 0.95
	$(RUNTIME_ENV) $(PY) -m bot.compliance.answer_fit_eval --data data/answer_fit/spent_3.yml --floor 0.95
	$(RUNTIME_ENV) $(PY) -m bot.compliance.answer_fit_eval --data data/answer_fit/spent_4.yml --floor 0.95

.PHONY: bench
bench: guard-train ## Benchmarks: guard check (target <= 2 ms), agent assist (target < 1 s)
	$(RUNTIME_ENV) $(PY) -m bot.compliance.bench
	$(RUNTIME_ENV) $(PY) -m bot.web.bench

# Simulated borrowers on the REST channel against stock `rasa run` + action server, our embedded
# profile and our production profile (nginx, RASA_INSTANCES Rasa, PostgreSQL + Redis), one after
# the other on the same model: results/bench-load.json and a table. About 9 minutes;
# BENCH_ARGS=--quick for a 2-3 minute smoke run (python -m bot.bench --help for the rest).
.PHONY: bench-load
bench-load: install spacy-model guard-train $(NGINX) | $(MODEL) ## Load benchmark vs stock Rasa (results/bench-load.json); BENCH_ARGS=--quick
	$(RUNTIME_ENV) $(PY) -m bot.bench --instances $(RASA_INSTANCES) $(BENCH_ARGS)

.PHONY: test
test: lint scripts-lint unit validate guard-eval train e2e ## Everything (see README, "Tests")

.PHONY: clean
clean: ## Remove models and runtime data (keeps .venv)
	rm -rf models var results
