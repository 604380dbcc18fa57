"""Fixtures for the fault tests: a Redis server of the test's own (tests/faults/redis_server.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.faults.redis_server import RedisServer


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
