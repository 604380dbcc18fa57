"""A real Celery worker for tests marked ``@pytest.mark.worker``.

The ``celery_worker`` fixture starts ``celery -A csp_portal worker`` as a subprocess
against the Redis database in REDIS_URL, with the test settings and the test database,
waits until that worker answers a ping, and ends it (by its PID) when the test is over.

The worker is started for each test that asks for it, so a test that needs *no* worker
(the health check's 503) never meets one left running by an earlier test.

It consumes the default queue ``celery`` and a queue of its own (``RunningWorker.queue``).
A test that must know which worker ran its task sends it to the worker's own queue; under
pytest-xdist two workers share the Redis database, so only that queue is private.

The test process reaches the broker through connections it opens itself
(``app.connection_for_write(worker.broker_url)``): Celery's shared connection pool keeps
the broker URL it was first built with, so a settings override alone would not reach it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from kombu.exceptions import OperationalError

BASE_DIR = Path(__file__).resolve().parent.parent
STARTUP_DEADLINE_SECONDS = 90


@dataclass(frozen=True)
class RunningWorker:
    nodename: str
    queue: str
    broker_url: str
    pid: int


def database_url_for_tests() -> str:
    """A DATABASE_URL naming the database this test session uses (test_<name>)."""
    from django.db import connection

    conf = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{conf['NAME']}"
    user = quote(conf.get("USER") or "", safe="")
    password = quote(conf.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = conf.get("HOST") or "127.0.0.1"
    port = f":{conf['PORT']}" if conf.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{conf['NAME']}"


def redis_url_or_skip() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        pytest.skip("needs REDIS_URL: a Redis database the tests may use")
    return url


def _answers(app, broker_url: str, nodename: str) -> bool:
    try:
        with app.connection_for_write(broker_url) as connection:
            connection.ensure_connection(max_retries=0)
            return bool(app.control.ping([nodename], timeout=0.5, connection=connection))
    except (OperationalError, OSError):
        return False


@pytest.fixture
def celery_worker(django_db_setup, django_db_blocker) -> Iterator[RunningWorker]:
    from csp_portal.celery import app

    broker_url = redis_url_or_skip()
    with django_db_blocker.unblock():
        database_url = database_url_for_tests()
    name = f"csp-test-{uuid.uuid4().hex[:12]}"
    nodename = f"worker@{name}"
    queue = name
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "csp_portal.settings.test",
        "DATABASE_URL": database_url,
        "REDIS_URL": broker_url,
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "csp_portal",
        # Results are kept (in the same Redis database) so a test can read a task's
        # return value; the portal itself keeps none (CELERY_RESULT_BACKEND = None).
        "--result-backend",
        broker_url,
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "--hostname",
        nodename,
        "--queues",
        f"celery,{queue}",
        # Test-only registrations the worker must know (tests/worker_imports.py).
        "--include",
        "tests.worker_imports",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
    ]
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(  # noqa: S603
            command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + STARTUP_DEADLINE_SECONDS
            while not _answers(app, broker_url, nodename):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    pytest.fail(
                        f"The Celery worker did not start (exit code {process.poll()}):\n"
                        + log.read()[-4000:]
                    )
                time.sleep(0.2)
            yield RunningWorker(
                nodename=nodename, queue=queue, broker_url=broker_url, pid=process.pid
            )
        finally:
            process.terminate()  # SIGTERM to this PID: a warm shutdown
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            _forget_queue(broker_url, queue)


def _forget_queue(broker_url: str, queue: str) -> None:
    """Remove the keys kombu keeps in Redis for the worker's own queue."""
    import redis

    client = redis.Redis.from_url(broker_url)
    try:
        for key in client.scan_iter(match=f"*{queue}*"):
            client.delete(key)
    finally:
        client.close()
