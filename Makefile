# CSP Portal. `make help` lists the targets.
#   make demo   install everything, load the demo data and run the portal
#   make test   run the whole test suite (PostgreSQL, Redis and Chromium)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
export DJANGO_ALLOW_ASYNC_UNSAFE := true

# The test suite runs against PostgreSQL and Redis; override to point elsewhere.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# pytest-xdist workers for `make test` (auto: one per CPU). TEST_WORKERS=0 runs serially.
TEST_WORKERS ?= auto

.PHONY: help install demo serve test lint typecheck fmt build-frontend migrate seed worker clean

help: ## Show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-16s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

static/build/portal.css: node_modules/.installed static/scss/portal.scss
	npm run build

install: $(VENV)/.installed node_modules/.installed static/build/portal.css ## Install Python and npm packages and build the front end

build-frontend: node_modules/.installed ## Rebuild the CSS and copy the front-end assets
	npm run build

migrate: install ## Apply database migrations
	$(PY) manage.py migrate --noinput

seed: migrate ## Load reference data and the demo partnerships, people and returns
	$(PY) manage.py seed_demo

demo: seed ## Install, migrate, load demo data and run the portal on http://127.0.0.1:8000
	@$(PY) manage.py demo_logins
	@if [ -n "$$REDIS_URL" ]; then \
		echo "REDIS_URL is set: starting a Celery worker (with beat) beside the web server"; \
		$(VENV)/bin/celery -A csp_portal worker --beat --loglevel=warning --concurrency=2 & \
	fi; \
	$(PY) manage.py runserver 127.0.0.1:8000

serve: install ## Run the portal without reloading the demo data
	$(PY) manage.py runserver 127.0.0.1:8000

worker: install ## Run a Celery worker and beat (needs REDIS_URL)
	$(VENV)/bin/celery -A csp_portal worker --beat --loglevel=info

test: install ## Run the whole test suite against PostgreSQL and Redis, with Chromium
	@test -x /usr/bin/chromium || { echo "Chromium is needed for the browser tests: apt-get install -y chromium"; exit 1; }
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(PY) manage.py makemigrations --check --dry-run --settings=csp_portal.settings.test
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: install typecheck ## Check the code with ruff and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install ## Check the types with mypy and django-stubs (settings: csp_portal.settings.test)
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(VENV)/bin/mypy

fmt: install ## Format the code with ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean: ## Remove the virtualenv, node_modules, built assets and the SQLite database
	rm -rf $(VENV) node_modules static/build staticfiles db.sqlite3
