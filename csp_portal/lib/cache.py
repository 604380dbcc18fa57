"""A Redis cache that degrades to misses when Redis is unreachable.

The cache only ever saves work: every value in it can be rebuilt from PostgreSQL (the
fragments of ``lib/fragments.py``, sessions under ``cached_db``). So when Redis stops
answering, this backend answers reads as misses and skips writes instead of raising, and
the portal keeps working from the database, a little slower. Sessions fall back to the
database by themselves: ``cached_db`` reads the session row when the cache misses.

- **Fast failure.** Connect and socket timeouts are short (settings), and after a failure
  the backend stops trying Redis for ``RETRY_AFTER_SECONDS`` (a circuit breaker, per
  process): a dead or black-holed Redis costs one timeout per process every few seconds,
  not one per cache call.
- **Logged, rate-limited.** The first failure of an outage is a warning with the error;
  while it lasts, one summary line a minute; the recovery is one line too.
- **Counted.** ``stats()`` gives the failed and skipped calls since this process started
  (per process: each web worker counts its own); the health page shows them.
- **No stale entries after an outage.** A write or delete that did not reach Redis may leave
  an old value there (a signed-out session, a replaced one). The backend remembers those
  keys (up to ``MAX_STALE_KEYS``) and deletes them before it uses Redis again.
- **One client per process.** Django's ``RedisCache`` builds a backend per thread and a
  ``redis.Redis`` object on every call; here every thread of a process shares one client
  and one connection pool per server (redis-py's client and pool are thread-safe).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property
from redis.client import Redis
from redis.connection import ConnectionPool
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

T = TypeVar("T")

# What Django's Redis client takes as a key (django-stubs' private ``_Key``).
RedisKey = str | bytes | memoryview

# While Redis is unreachable, at most one log line per this many seconds.
LOG_INTERVAL_SECONDS = 60.0
# Keys whose write or delete was lost, deleted when Redis answers again. Past this many
# the rest are only logged: they expire by their own timeout.
MAX_STALE_KEYS = 10_000
# The breaker's default: after a failure, this long without trying Redis.
DEFAULT_RETRY_AFTER_SECONDS = 5.0
DEFAULT_SOCKET_TIMEOUT_SECONDS = 0.5


@dataclass(frozen=True)
class CacheStats:
    """What the cache met since this process started."""

    errors: int
    skipped: int
    unreachable: bool


class _ServerState:
    """One Redis location as this process's cache sees it: the breaker, the counters and
    the keys whose writes were lost. Shared by every thread; guarded by a lock."""

    def __init__(self, location: str, retry_after: float) -> None:
        self.location = location
        self.retry_after = retry_after
        self.lock = threading.Lock()
        self.errors = 0
        self.skipped = 0
        self.retry_at: float | None = None  # None: Redis is taken to be answering
        self.outage_errors = 0
        self.last_logged = 0.0
        self.errors_since_log = 0
        self.stale_keys: set[str] = set()
        self.stale_overflow = 0

    def may_try(self) -> bool:
        with self.lock:
            if self.retry_at is None or time.monotonic() >= self.retry_at:
                return True
            self.skipped += 1
            return False

    def remember_stale(self, keys: Iterable[str]) -> None:
        with self.lock:
            for key in keys:
                if len(self.stale_keys) < MAX_STALE_KEYS:
                    self.stale_keys.add(key)
                else:
                    self.stale_overflow += 1

    def failed(self, exc: Exception) -> None:
        now = time.monotonic()
        with self.lock:
            self.errors += 1
            self.outage_errors += 1
            self.errors_since_log += 1
            first = self.retry_at is None
            self.retry_at = now + self.retry_after
            due = first or now - self.last_logged >= LOG_INTERVAL_SECONDS
            if due:
                count, self.errors_since_log, self.last_logged = self.errors_since_log, 0, now
        if first:
            logger.warning(
                "Redis cache at %s unreachable (%s: %s): cache reads are misses and writes "
                "are skipped until it answers",
                self.location,
                type(exc).__name__,
                exc,
            )
        elif due:
            logger.warning(
                "Redis cache at %s still unreachable: %d errors in the last minute, "
                "%d since this process started",
                self.location,
                count,
                self.errors,
            )

    def succeeded(self) -> None:
        if self.retry_at is None:  # the common case, read without the lock
            return
        with self.lock:
            if self.retry_at is None:
                return
            errors, self.outage_errors, self.retry_at = self.outage_errors, 0, None
            overflow, self.stale_overflow = self.stale_overflow, 0
        logger.warning("Redis cache at %s answering again after %d errors", self.location, errors)
        if overflow:
            logger.warning(
                "%d cache writes lost during the outage were not remembered; those entries "
                "may be stale until they expire",
                overflow,
            )

    def take_stale(self) -> list[str]:
        with self.lock:
            keys, self.stale_keys = list(self.stale_keys), set()
        return keys


class SharedRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one ``redis.Redis`` per server instead of a new one per call."""

    # Set by ``RedisCacheClient.__init__``; django-stubs leave its private parts out.
    _servers: list[str]
    _pools: dict[int, ConnectionPool]
    _pool_class: type[ConnectionPool]
    _pool_options: dict[str, Any]
    _client: type[Redis]

    if TYPE_CHECKING:  # declared only: at run time the inherited method is the one used

        def _get_connection_pool_index(self, write: bool) -> int: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Redis] = {}
        self._lock = threading.Lock()

    def get_client(self, key: RedisKey | None = None, *, write: bool = False) -> Redis:
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            with self._lock:
                if index not in self._clients:
                    if index not in self._pools:
                        self._pools[index] = self._pool_class.from_url(
                            self._servers[index], **self._pool_options
                        )
                    self._clients[index] = self._client(connection_pool=self._pools[index])
                client = self._clients[index]
        return client


# Per process: one client and one state per (servers, options). Django makes a backend
# object per thread; they all find these.
_registry_lock = threading.Lock()
_clients: dict[str, SharedRedisCacheClient] = {}
_states: dict[str, _ServerState] = {}


def _shared(
    servers: list[str], options: dict[str, Any], retry_after: float
) -> tuple[SharedRedisCacheClient, _ServerState]:
    key = repr((servers, sorted(options.items())))
    with _registry_lock:
        if key not in _clients:
            _clients[key] = SharedRedisCacheClient(servers, **options)
            _states[key] = _ServerState(",".join(servers), retry_after)
        return _clients[key], _states[key]


def stats() -> CacheStats:
    """Failed and skipped cache calls since this process started, over every Redis cache."""
    with _registry_lock:
        states = list(_states.values())
    return CacheStats(
        errors=sum(s.errors for s in states),
        skipped=sum(s.skipped for s in states),
        unreachable=any(s.retry_at is not None for s in states),
    )


class DegradingRedisCache(RedisCache):
    """``RedisCache`` whose calls never raise because Redis is unreachable (see the module).

    OPTIONS are redis-py's connection options (``socket_connect_timeout``,
    ``socket_timeout``: half a second unless set) plus ``RETRY_AFTER_SECONDS``, how long
    to leave Redis alone after a failure.
    """

    # Set by ``RedisCache.__init__``; django-stubs leave its private parts out.
    _servers: list[str]
    _options: dict[str, Any]

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS", {}))
        self._retry_after = float(options.pop("RETRY_AFTER_SECONDS", DEFAULT_RETRY_AFTER_SECONDS))
        options.setdefault("socket_connect_timeout", DEFAULT_SOCKET_TIMEOUT_SECONDS)
        options.setdefault("socket_timeout", DEFAULT_SOCKET_TIMEOUT_SECONDS)
        super().__init__(server, {**params, "OPTIONS": options})

    @cached_property
    def _shared_parts(self) -> tuple[SharedRedisCacheClient, _ServerState]:
        return _shared(list(self._servers), self._options, self._retry_after)

    @property
    def _cache(self) -> SharedRedisCacheClient:
        return self._shared_parts[0]

    @property
    def _state(self) -> _ServerState:
        return self._shared_parts[1]

    def _call(self, op: Callable[[], T], miss: T, *, writes: Iterable[str] = ()) -> T:
        """``op()``, or ``miss`` when Redis is unreachable. ``writes`` are the keys ``op``
        changes: if it does not reach Redis they may hold an old value there."""
        state = self._state
        if not state.may_try():
            state.remember_stale(writes)
            return miss
        try:
            stale = state.take_stale() if state.stale_keys else []
            if stale:
                try:
                    self._cache.delete_many(stale)
                except RedisError:
                    state.remember_stale(stale)
                    raise
            result = op()
        except RedisError as exc:
            state.remember_stale(writes)
            state.failed(exc)
            return miss
        state.succeeded()
        return result

    def ping(self) -> bool:
        """Whether Redis answers, through the breaker (for the health page)."""
        return self._call(lambda: bool(self._cache.get_client().ping()), False)

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        return self._call(lambda: self._cache.add(key, value, timeout), False, writes=[key])

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        return self._call(lambda: self._cache.get(key, default), default)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        self._call(lambda: self._cache.set(key, value, timeout), None, writes=[key])

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        return self._call(lambda: self._cache.touch(key, timeout), False, writes=[key])

    def delete(self, key: Any, version: Any = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return self._call(lambda: self._cache.delete(key), False, writes=[key])

    def get_many(self, keys: Iterable[Any], version: Any = None) -> dict[Any, Any]:
        key_map: dict[RedisKey, Any] = {
            self.make_and_validate_key(key, version=version): key for key in keys
        }
        none_found: dict[RedisKey, Any] = {}
        found = self._call(lambda: self._cache.get_many(key_map.keys()), none_found)
        return {key_map[k]: v for k, v in found.items()}

    def has_key(self, key: Any, version: Any = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return self._call(lambda: self._cache.has_key(key), False)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        made = self.make_and_validate_key(key, version=version)
        missing = object()
        value = self._call(lambda: self._cache.incr(made, delta), missing, writes=[made])
        if value is missing:
            # What the cache contract says of a key it does not hold.
            raise ValueError(f"Key '{key}' not found.")
        # Not ``missing``, so what Redis's INCR answered, an int; mypy sees the join of
        # the two, ``object``.
        return value  # type: ignore[return-value]

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> list[Any]:
        if not data:
            return []
        safe = {self.make_and_validate_key(k, version=version): v for k, v in data.items()}
        timeout = self.get_backend_timeout(timeout)

        def set_all() -> list[Any]:
            # A dict[str, Any] is a Mapping[RedisKey, Any] in fact, but not to mypy: the
            # stubs' Mapping is invariant in its key type.
            self._cache.set_many(cast("dict[RedisKey, Any]", safe), timeout)
            return []

        # The contract: the keys that were not stored.
        return self._call(set_all, list(data), writes=list(safe))

    def delete_many(self, keys: Iterable[Any], version: Any = None) -> None:
        safe = [self.make_and_validate_key(key, version=version) for key in keys]
        if safe:
            self._call(lambda: self._cache.delete_many(safe), None, writes=safe)

    # Django's RedisCache.clear returns flushdb's answer, a bool; django-stubs declare
    # BaseCache.clear as returning None.
    def clear(self) -> bool:  # type: ignore[override]
        return self._call(lambda: self._cache.clear(), False)
