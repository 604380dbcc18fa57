"""Cached pieces of pages whose content is fixed by a version.

A return's read view and the dashboard's charts are expensive to build but change only
when their data does. Their cache key includes a version that every change moves on (a
return's ``updated_at``, which every save, upload and workflow step bumps), so a cached
piece is never stale: a change makes a new key, and old keys simply expire.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

TIMEOUT = 24 * 3600


def cached(name: str, version: str, build: Callable[[], Any]) -> Any:
    """What ``build()`` returns, from the cache when this name and version were built
    before (the value must be picklable)."""
    digest = hashlib.sha256(version.encode()).hexdigest()[:32]
    key = f"fragment:{name}:{digest}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT)
    return value


def cached_fragment(name: str, version: str, build: Callable[[], str]) -> SafeString:
    """The HTML built by ``build()``, from the cache when this name and version were
    built before. ``build`` must return HTML rendered by the template engine (escaped)."""
    html = cached(name, version, lambda: str(build()))
    return mark_safe(html)  # noqa: S308 - rendered (and escaped) by the template engine
