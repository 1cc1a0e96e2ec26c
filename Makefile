# Catchment: `make run` serves the demo hub, `make test` runs the whole suite. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= auto
PG_URL ?= postgres://postgres@127.0.0.1:5432/catchment

.PHONY: install assets translations migrate demo run test test-postgres test-reliability test-load test-soak test-browser lint format messages clean bench bench-smoke bench-insights bench-scaleout backup restore

install: $(STAMP)

$(STAMP): requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Catchment needs Python 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	@touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed to install the pinned front-end libraries: apt-get install nodejs npm"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

assets: node_modules/.package-lock.json
	@mkdir -p catchment/static/vendor/world-atlas
	cp node_modules/world-atlas/countries-110m.json catchment/static/vendor/world-atlas/countries-110m.json
	@mkdir -p catchment/static/vendor/d3
	cp node_modules/d3-dispatch/dist/d3-dispatch.min.js node_modules/d3-timer/dist/d3-timer.min.js \
	   node_modules/d3-quadtree/dist/d3-quadtree.min.js node_modules/d3-force/dist/d3-force.min.js \
	   catchment/static/vendor/d3/

translations: install
	$(BIN)/python manage.py compile_translations

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

run: install assets translations demo
	@echo "Catchment demo hub: http://$(HOST):$(PORT)/  (sign in as convenor@demo.catchment.example / catchment-demo)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install assets translations
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-postgres: install assets translations
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Fault runs with real processes (docs/operations.md, "Fault tolerance"): gunicorn on a scratch PostgreSQL
# database and on SQLite, its workers and once its master killed with SIGKILL (and on PostgreSQL its database
# connections ended) while members write; then every acknowledged write is checked. RELIABILITY_WRITES per engine.
RELIABILITY_WRITES ?= 2000
# Then the load-and-soak run (test_soak.py: 8 members reading, posting, registering and uploading without pause)
# for RELIABILITY_SOAK_SECONDS; CI runs 60.
RELIABILITY_SOAK_SECONDS ?= 900
# The timing comparison of sign-in, sign-up and password reset (test_timing.py) takes this many rounds.
RELIABILITY_TIMING_SAMPLES ?= 200
test-reliability: install translations
	RELIABILITY_WRITES=$(RELIABILITY_WRITES) RELIABILITY_SOAK_SECONDS=$(RELIABILITY_SOAK_SECONDS) \
		RELIABILITY_TIMING_SAMPLES=$(RELIABILITY_TIMING_SAMPLES) \
		$(BIN)/pytest -n 0 -m reliability -s tests/reliability $(PYTEST_ARGS)

# reliability.md #34's two long runs, outside CI: 100 members for 15 minutes (load), 30 for 2 hours (soak).
test-load: install translations
	RELIABILITY_SOAK_CLIENTS=100 RELIABILITY_SOAK_SECONDS=900 \
		$(BIN)/pytest -n 0 -m reliability -s tests/reliability/test_soak.py $(PYTEST_ARGS)

test-soak: install translations
	RELIABILITY_SOAK_CLIENTS=30 RELIABILITY_SOAK_SECONDS=7200 \
		$(BIN)/pytest -n 0 -m reliability -s tests/reliability/test_soak.py $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy catchment config tests bench conftest.py
	$(BIN)/bandit -q -r catchment config bench -x '*/tests/*,*/migrations/*' --severity-level high

# The hub's pages under load (wrk, 16 connections) against a generated hub, as ratios to a bare Django view
# (docs/benchmarks.md, docs/performance.md). SCALE=s (2,000 members) or l (100,000; set DATABASE_URL to a
# PostgreSQL database); with DATABASE_URL=postgres://… and REDIS_URL also set, the scale-out check follows.
SCALE ?= s
PG_BENCH_URL ?= postgres://postgres@127.0.0.1:5432/catchment_bench_scaleout
REDIS_BENCH_URL ?= redis://127.0.0.1:6379/14

bench: install assets translations
	@command -v wrk >/dev/null || { echo "make bench needs the load generator wrk: apt-get install wrk"; exit 1; }
	$(BIN)/python -u -m bench.load --scale $(SCALE) $(BENCH_ARGS)

# The insights recomputation of a community of 10,000 members and 500,000 interactions.
bench-insights: install assets translations
	$(BIN)/python -u -m bench.run $(BENCH_ARGS)

# Web tier and Celery worker as separate processes on PostgreSQL and Redis (docs/scaling.md).
bench-scaleout: install assets translations
	DATABASE_URL=$(PG_BENCH_URL) REDIS_URL=$(REDIS_BENCH_URL) $(BIN)/python -u -m bench.scaleout

bench-smoke: install assets translations
	@command -v wrk >/dev/null || { echo "make bench-smoke needs the load generator wrk: apt-get install wrk"; exit 1; }
	$(BIN)/python -u -m bench.load --smoke
	$(BIN)/python -u -m bench.run --smoke

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# For developers with GNU gettext: refresh the catalogues after changing strings, then translate them.
# A consistent copy of the database (SQLite online backup, or pg_dump for DATABASE_URL=postgres://…) and of
# the uploaded files, under var/backups/; `make restore FILE=var/backups/catchment-….sqlite3 [MEDIA=…tar.gz]`.
backup: install
	$(BIN)/python manage.py backup

restore: install
	@test -n "$(FILE)" || { echo "make restore FILE=var/backups/catchment-<time>.sqlite3|.dump [MEDIA=var/backups/media-<time>.tar.gz]"; exit 2; }
	$(BIN)/python manage.py restore "$(FILE)" $(if $(MEDIA),--media "$(MEDIA)") --yes

messages: install
	cd catchment && ../$(BIN)/python ../manage.py makemessages --no-obsolete -l es -l fr -l ru --extension html,txt,py,svg --ignore 'static/*'

clean:
	rm -rf $(VENV) node_modules catchment/static/vendor var/static
