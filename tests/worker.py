"""A real Celery worker for tests marked ``@pytest.mark.worker``.

The ``celery_worker`` fixture starts ``celery -A csp_portal worker`` as a subprocess
against the Redis database in REDIS_URL, with the test settings and the test database,
waits until that worker answers a ping, and ends it (by its PID) when the test is over.

``start_celery_worker`` starts one on a broker the test names (a redis-server of its own,
tests/faults/redis_server.py), with other settings or extra task modules if asked; the
worker is in a process group of its own, so a test may SIGKILL it. ``celery_broker(url)``
points this process's publishing at such a broker.

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
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

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


@contextmanager
def running_worker(
    broker_url: str,
    database_url: str,
    *,
    settings_module: str = "csp_portal.settings.test",
    include: Sequence[str] = (),
    extra_env: dict[str, str] | None = None,
    pool: str = "solo",
) -> Iterator[RunningWorker]:
    """A worker subprocess on ``broker_url``, in a process group of its own (so a test may
    SIGKILL the whole group by its PID), answering a ping before this yields. ``include``
    names task modules to import besides the apps' (test-only tasks); ``pool="prefork"``
    runs tasks in a child process, as production does."""
    from csp_portal.celery import app

    name = f"csp-test-{uuid.uuid4().hex[:12]}"
    nodename = f"worker@{name}"
    queue = name
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DATABASE_URL": database_url,
        "REDIS_URL": broker_url,
        **(extra_env or {}),
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
        f"--pool={pool}",
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
    if include:
        command += ["--include", ",".join(include)]
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(  # noqa: S603
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + STARTUP_DEADLINE_SECONDS
            with celery_broker(broker_url, eager=None):
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
            if process.poll() is None:
                process.terminate()  # SIGTERM to this PID: a warm shutdown
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            try:
                _forget_queue(broker_url, queue)
            except (OSError, RedisError):
                pass  # a test's own broker, gone already


@pytest.fixture
def celery_worker(django_db_setup, django_db_blocker) -> Iterator[RunningWorker]:
    broker_url = redis_url_or_skip()
    with django_db_blocker.unblock():
        database_url = database_url_for_tests()
    with running_worker(broker_url, database_url) as worker:
        yield worker


@pytest.fixture
def start_celery_worker(
    django_db_setup, django_db_blocker
) -> Iterator[Callable[..., RunningWorker]]:
    """start_celery_worker(broker_url, **options) -> a running worker (see
    ``running_worker``), ended when the test is over. For tests that bring their own broker."""
    with django_db_blocker.unblock():
        database_url = database_url_for_tests()
    with ExitStack() as stack:

        def _start(broker_url: str, **options: Any) -> RunningWorker:
            return stack.enter_context(running_worker(broker_url, database_url, **options))

        yield _start


@contextmanager
def celery_broker(broker_url: str, *, eager: bool | None = False) -> Iterator[None]:
    """Make this process publish to ``broker_url`` (tasks not eager unless ``eager``; None
    leaves that setting alone). Celery keeps a connection pool for the broker it first
    met, and its control commands (ping) always go through that pool, so the pools are
    dropped on the way in and out."""
    from django.conf import settings
    from django.test import override_settings

    from csp_portal.celery import app

    if eager is None:
        eager = settings.CELERY_TASK_ALWAYS_EAGER
    with override_settings(CELERY_BROKER_URL=broker_url, CELERY_TASK_ALWAYS_EAGER=eager):
        app._after_fork()  # Celery's own reset of its connection and producer pools
        try:
            yield
        finally:
            app._after_fork()


def _forget_queue(broker_url: str, queue: str) -> None:
    """Remove the keys kombu keeps in Redis for the worker's own queue."""
    import redis

    client = redis.Redis.from_url(broker_url)
    try:
        for key in client.scan_iter(match=f"*{queue}*"):
            client.delete(key)
    finally:
        client.close()
