# Two commands do everything on a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed

.PHONY: run test setup system lint check pytest messages clean stack stack-stop

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $$(.ci/find-python) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.lock
	touch $(STAMP)

system:
	@.ci/system-packages

setup: system $(STAMP)

run: setup
	DEBUG=1 $(MANAGE) migrate --noinput
	DEBUG=1 $(MANAGE) createcachetable
	DEBUG=1 $(MANAGE) load_demo --if-empty
	@# The task worker finalises exams whose time is up; it stops with the server. uvicorn
	@# serves HTTP and the live finals' WebSockets (runserver cannot serve WebSockets).
	DEBUG=1 $(MANAGE) db_worker & worker=$$!; trap "kill $$worker" EXIT INT TERM; \
	  DEBUG=1 $(PY) -m uvicorn --app-dir site --host 127.0.0.1 --port 8000 --lifespan off \
	  --ws-per-message-deflate false \
	  lianbing.asgi:application

# The production-like stack on 127.0.0.1: PostgreSQL, Redis, nginx → two gunicorn + two uvicorn, db_worker.
stack: setup
	WITH_POSTGRES=1 .ci/system-packages
	$(PY) .ci/stack.py

stack-stop:
	$(PY) .ci/stack.py stop

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: $(STAMP)
	$(MANAGE) check --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run

pytest: setup
	$(VENV)/bin/pytest

test: lint check pytest

clean:
	rm -rf $(VENV) db.sqlite3* static_collected test-artifacts
