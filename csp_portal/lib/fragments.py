"""Cached pieces of pages whose content is fixed by a version.

A return's read view and the dashboard's charts are expensive to build but change only
when their data does. Their cache key includes a version that every change moves on (a
return's ``updated_at``, which every save, upload and workflow step bumps), so a cached
piece is never stale: a change makes a new key, and old keys simply expire.

The key also carries a digest of the portal's code and templates, so a release that
changes how a piece is built or laid out never serves pieces built by the one before.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

TIMEOUT = 24 * 3600
_CODE_DIRS = ("accounts", "csp_portal", "partnerships", "performance", "priorities", "templates")


@functools.cache
def code_version() -> str:
    """A digest of the source and templates, computed once per process."""
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR)
    for folder in _CODE_DIRS:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in (".py", ".html", ".txt") and "migrations" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def cached(name: str, version: str, build: Callable[[], Any]) -> Any:
    """What ``build()`` returns, from the cache when this name and version were built
    before (the value must be picklable)."""
    digest = hashlib.sha256(f"{code_version()}|{version}".encode()).hexdigest()[:32]
    key = f"fragment:{name}:{digest}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT)
    return value


def cached_fragment(name: str, version: str, build: Callable[[], str]) -> SafeString:
    """The HTML built by ``build()``, from the cache when this name and version were
    built before. ``build`` must return HTML rendered by the template engine (escaped)."""
    html: str = cached(name, version, lambda: str(build()))
    return mark_safe(html)  # noqa: S308 - rendered (and escaped) by the template engine
