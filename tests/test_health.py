"""The health page and /health.json report the database, Redis, the cache and the Celery worker.

Eagerly (no REDIS_URL) Redis and the worker are "not configured" and that is healthy.
With Redis configured: a real Redis and no worker is a 503 naming the worker; a real
worker (a subprocess, see tests/worker.py) makes it 200; an unreachable Redis is a 503
that still renders. The diagnostic task csp_portal.tasks.ping makes a real round trip.
"""

from __future__ import annotations

import socket

import pytest
from celery.backends.redis import RedisBackend
from celery.result import AsyncResult
from django.db import connection
from django.urls import reverse

from csp_portal.celery import app
from csp_portal.tasks import ping
from tests.worker import redis_url_or_skip


def checks_by_name(response) -> dict[str, dict]:
    return {check["name"]: check for check in response.json()["checks"]}


def closed_port() -> int:
    """A port on this machine where nothing listens."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def eager(settings):
    settings.REDIS_URL = ""
    settings.CELERY_BROKER_URL = "memory://"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    return settings


@pytest.fixture
def with_redis(settings):
    """The settings REDIS_URL makes in base.py: Redis for the broker, tasks not eager."""

    def _configure(redis_url: str):
        settings.REDIS_URL = redis_url
        settings.CELERY_BROKER_URL = redis_url
        settings.CELERY_TASK_ALWAYS_EAGER = False
        settings.CACHES = {
            "default": {
                "BACKEND": "csp_portal.lib.cache.DegradingRedisCache",
                "LOCATION": redis_url,
                "KEY_PREFIX": "csp-test",
            }
        }
        return settings

    return _configure


def test_it_reports_every_part_working_when_tasks_run_eagerly(db, client, eager):
    response = client.get(reverse("health_json"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    checks = checks_by_name(response)
    assert list(checks) == ["Database", "Redis", "Cache", "Celery worker"]
    assert checks["Database"]["ok"] is True
    assert checks["Database"]["detail"] == f"{connection.vendor} answered"
    assert checks["Redis"]["ok"] is True
    assert checks["Redis"]["detail"].startswith("Not configured")
    assert checks["Cache"]["ok"] is True
    assert checks["Cache"]["detail"] == "LocMemCache: no Redis cache to degrade"
    assert checks["Celery worker"]["ok"] is True
    assert checks["Celery worker"]["detail"].startswith("Not configured")


def test_it_shows_the_health_page_with_each_check_in_words(db, client, eager):
    response = client.get(reverse("health"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Every part of the service is answering." in html
    for name in ("Database", "Redis", "Cache", "Celery worker"):
        assert f'<dt class="govuk-summary-list__key">{name}</dt>' in html
    assert html.count("Working</strong>") == 5  # the summary and each of the four checks
    assert "Not working" not in html


def test_it_answers_503_naming_the_worker_when_redis_answers_but_no_worker_does(
    db, client, with_redis
):
    with_redis(redis_url_or_skip())

    response = client.get(reverse("health_json"))

    assert response.status_code == 503
    assert response.json()["status"] == "failing"
    checks = checks_by_name(response)
    assert checks["Database"]["ok"] is True
    assert checks["Redis"]["ok"] is True
    assert checks["Redis"]["detail"] == "Redis answered"
    assert checks["Cache"]["ok"] is True
    assert checks["Cache"]["detail"].startswith("Redis cache in use; ")
    assert checks["Celery worker"]["ok"] is False
    assert checks["Celery worker"]["detail"] == "No Celery worker answered within 1 second"


def test_it_answers_503_and_still_renders_when_redis_is_unreachable(db, client, with_redis):
    with_redis(f"redis://127.0.0.1:{closed_port()}/0")

    response = client.get(reverse("health_json"))

    assert response.status_code == 503
    checks = checks_by_name(response)
    assert checks["Database"]["ok"] is True
    assert checks["Redis"]["ok"] is False
    assert checks["Redis"]["detail"] == "Not answering (ConnectionError)"
    assert checks["Cache"]["ok"] is False
    assert checks["Celery worker"]["ok"] is False
    assert checks["Celery worker"]["detail"] == "Not answering (OperationalError)"

    page = client.get(reverse("health"))

    assert page.status_code == 503
    html = page.content.decode()
    assert "Part of the service is not answering." in html
    assert html.count("Not working</strong>") == 3
    assert "<title>Service health" in html


@pytest.mark.worker
def test_it_answers_200_when_a_real_worker_answers(db, client, with_redis, celery_worker):
    with_redis(celery_worker.broker_url)

    response = client.get(reverse("health_json"))

    assert response.status_code == 200, response.json()
    checks = checks_by_name(response)
    assert checks["Redis"]["ok"] is True
    assert checks["Celery worker"]["ok"] is True
    assert checks["Celery worker"]["detail"].endswith("worker(s) answered")


@pytest.mark.worker
def test_it_runs_the_ping_task_on_a_real_worker(settings, celery_worker):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # The worker keeps results in Redis (tests/worker.py); read them from there.
    results = RedisBackend(app=app, url=celery_worker.broker_url)

    with app.connection_for_write(celery_worker.broker_url) as connection:
        sent = ping.apply_async(queue=celery_worker.queue, connection=connection)

    result = AsyncResult(sent.id, backend=results, app=app)
    reply = result.get(timeout=60)
    result.forget()

    assert reply == {"reply": "pong", "worker": celery_worker.nodename}


def test_it_runs_the_ping_task_in_process_when_tasks_are_eager(eager):
    result = ping.delay().get()

    assert result["reply"] == "pong"
    assert result["worker"] == socket.gethostname()
