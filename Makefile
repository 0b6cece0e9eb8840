# Two commands on a fresh machine: `make run` and `make test`. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# A throwaway key for test and lint runs only; production sets DJANGO_SECRET_KEY itself.
TEST_SECRET := test-only-$(shell date +%s)-not-a-production-key-0123456789abcdefghijklmnop

.PHONY: campaign run test lint bench venv dev-venv messages translations clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed
dev-venv: $(VENV)/.installed-dev

# checkov lives in a virtualenv of its own: it pins boto3 1.35 and packaging<24, which clash with
# the boto3 (S3 storage) of requirements.txt and the tools of requirements-dev.txt.
CHECKOV_VENV := .venv-checkov
$(CHECKOV_VENV)/.installed: requirements-checkov.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/pip install --quiet -r requirements-checkov.txt
	touch $@
# The Kubernetes manifests (deploy/): each resource against the API's schema of this version, and
# checkov's security checks. Every check passes or is skipped in the manifest with its reason
# (offline, checkov knows no severities, so "no HIGH finding" here means no failed check at all).
KUBERNETES_VERSION := 1.33
MANIFESTS = $(filter-out deploy/kustomization.yaml,$(wildcard deploy/*.yaml))

translations: venv
	DJANGO_DEBUG=1 $(PY) manage.py compile_translations -v0

## run: create the virtualenv, migrate, seed the demo, serve on http://127.0.0.1:8000 (SQLite, tasks in-process)
run: venv translations
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py audit_adopt
	DJANGO_DEBUG=1 $(PY) manage.py seed_demo
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

## test: the suite (PostgreSQL/Redis tests run when DATABASE_URL/REDIS_URL point at them)
test: dev-venv translations
	DJANGO_SECRET_KEY=$(TEST_SECRET) DJANGO_DEBUG=0 $(VENV)/bin/pytest -m "not e2e and not campaign" $(PYTEST_ARGS)

## campaign: the long runs — browser journeys (Playwright), hostile-input campaigns (hypothesis) and
## the standing trust tests (permission matrix, schemathesis, storms, fault drills)
campaign: dev-venv translations
	DJANGO_SECRET_KEY=$(TEST_SECRET) DJANGO_DEBUG=0 $(VENV)/bin/pytest -m "e2e or campaign" $(PYTEST_ARGS)

## lint: ruff, formatting, migrations up to date, deploy checks with production settings, bandit
## (no medium or high finding), the Kubernetes manifests (kubernetes-validate, checkov), and pip-audit
## (saying plainly when no vulnerability source answers)
APPS = portal organisation proposals pilots support accountability recognition replication monitoring evidence
lint: dev-venv $(CHECKOV_VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SECRET_KEY=$(TEST_SECRET) $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') DJANGO_DEBUG=0 \
		$(PY) manage.py check --deploy --fail-level WARNING
	$(VENV)/bin/bandit -q -r $(APPS) -x "*/migrations/*,*/scale_data/*" --severity-level medium
	$(VENV)/bin/kubernetes-validate --strict --quiet --kubernetes-version $(KUBERNETES_VERSION) $(MANIFESTS)
	$(CHECKOV_VENV)/bin/checkov -d deploy --framework kubernetes --skip-download --compact --quiet
	$(PY) scripts/audit_dependencies.py

## messages: refresh the catalogues from the source (needs GNU gettext)
messages: venv
	DJANGO_DEBUG=1 $(PY) manage.py makemessages -l vi -l en --no-obsolete --ignore '.venv/*' --ignore 'tests/*' --ignore 'bench/*' --ignore 'templates/simple_history/*'

## bench: the whole country (generate_scale_data, kept in `bench_scale` and reused), gunicorn and wrk at 16 clients
## against the floors, the daily sweep with a real worker, the report summary and the audit chain (bench/RESULTS.md)
# The benchmarks measure PostgreSQL: the server of DATABASE_URL, else the local one (each makes
# databases of its own there and never touches the database named in the URL).
BENCH_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/postgres)
# dev-venv: the audit bench builds its proposals with the test suite's plan (tests/, pytest).
bench: dev-venv
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/scale.py
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/sweep.py
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/summary.py
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/audit.py
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/reorganise.py
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/actions.py

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) db.sqlite3 staticfiles
