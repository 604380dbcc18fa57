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
import sys
import sysconfig
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

TIMEOUT = 24 * 3600
_SUFFIXES = (".py", ".html", ".txt")


def _library_folders() -> list[Path]:
    """Where installed packages live: the virtualenv (often ``.venv`` inside the project's
    folder, as in a fresh clone) and its site-packages."""
    places = {sys.prefix, sys.base_prefix, sys.exec_prefix}
    places.update(sysconfig.get_paths()[name] for name in ("purelib", "platlib"))
    return [Path(place).resolve() for place in places]


def is_project_path(path: Path) -> bool:
    """Whether ``path`` is the project's own code: inside BASE_DIR, and not an installed
    package (a virtualenv inside the project's folder holds Django, not the project)."""
    path = path.resolve()
    return path.is_relative_to(Path(settings.BASE_DIR).resolve()) and not any(
        path.is_relative_to(library) for library in _library_folders()
    )


def code_folders() -> list[Path]:
    """The folders whose code and templates build the pieces: every installed app that
    lies inside the project (BASE_DIR), whatever it is called, and the project's
    template folders. Read from INSTALLED_APPS, so a new app is covered the day it is
    installed. Third-party apps (outside BASE_DIR) are left out."""
    folders = {Path(config.path).resolve() for config in apps.get_app_configs()}
    engines: list[dict[str, Any]] = settings.TEMPLATES
    for engine in engines:
        folders.update(Path(folder).resolve() for folder in engine.get("DIRS", ()))
    inside = sorted(f for f in folders if is_project_path(f))
    # A folder inside another one listed is already covered.
    return [f for f in inside if not any(f != o and f.is_relative_to(o) for o in inside)]


@functools.cache
def code_version() -> str:
    """A digest of the source and templates, computed once per process."""
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR).resolve()
    for folder in code_folders():
        for path in sorted(folder.rglob("*")):
            if path.suffix in _SUFFIXES and "migrations" not in path.parts:
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
