"""Checks behind the health page and /health.json: database, Redis, the cache, Celery worker."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    milliseconds: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _timed(name: str, fn: Callable[[], tuple[bool, str]]) -> Check:
    start = time.monotonic()
    try:
        ok, detail = fn()
    except Exception as exc:  # a health check reports failures, it never raises
        # The page and the JSON are public: name the kind of failure, keep the detail
        # (host names, ports) for the log.
        logger.warning("Health check %s failed: %s", name, exc)
        ok, detail = False, f"Not answering ({type(exc).__name__})"
    return Check(name, ok, detail, int((time.monotonic() - start) * 1000))


def _database() -> tuple[bool, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return True, f"{connection.vendor} answered"


def _redis() -> tuple[bool, str]:
    if not settings.REDIS_URL:
        return True, "Not configured: the cache is in memory and tasks run in the web process"
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    client.ping()
    return True, "Redis answered"


def _cache() -> tuple[bool, str]:
    """What the cache backend sees, through its own breaker, and its error count (which is
    this web process's: each process counts its own)."""
    from django.core.cache import caches

    from csp_portal.lib.cache import DegradingRedisCache, stats

    cache = caches["default"]
    if not isinstance(cache, DegradingRedisCache):
        return True, f"{type(cache).__name__}: no Redis cache to degrade"
    answering = cache.ping()
    counted = stats()
    since = (
        f"{counted.errors} cache errors since this process started"
        f" ({counted.skipped} calls skipped while Redis was unreachable)"
    )
    if not answering:
        return False, f"Redis unreachable: cache reads are misses and writes are skipped; {since}"
    return True, f"Redis cache in use; {since}"


def _worker() -> tuple[bool, str]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True, "Not configured: tasks run in the web process"
    from csp_portal.celery import app

    # A connection of its own, to the broker the settings name now. Celery's shared pool
    # keeps the broker URL it was first built with, and it retries a lost broker for
    # seconds; a health check must answer at once, so: no retries.
    with app.connection_for_write(settings.CELERY_BROKER_URL) as connection:
        connection.ensure_connection(max_retries=0)
        replies = app.control.ping(timeout=1.0, connection=connection)
    if not replies:
        return False, "No Celery worker answered within 1 second"
    return True, f"{len(replies)} worker(s) answered"


def run_checks() -> list[Check]:
    return [
        _timed("Database", _database),
        _timed("Redis", _redis),
        _timed("Cache", _cache),
        _timed("Celery worker", _worker),
    ]
