"""What the demo loaders share: where their files live, and an idempotent upsert."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

M = TypeVar("M", bound=models.Model)

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"
SKIPPED = "skipped"


def demo_dir() -> Path:
    return Path(settings.BASE_DIR) / "fixtures" / "demo"


def read_demo_file(name: str) -> dict[str, Any]:
    """One JSON file of fixtures/demo/. Keys starting with "_" are comments."""
    with (demo_dir() / name).open(encoding="utf-8") as f:
        return json.load(f)


class DemoDataError(ImproperlyConfigured):
    """A demo file refers to something that does not exist (a typo in the JSON)."""


@dataclass
class LoadResult:
    """What one loader did, counted per kind of object: {"partnerships": {"created": 3}}."""

    title: str
    counts: dict[str, Counter] = field(default_factory=dict)

    def count(self, what: str, outcome: str) -> None:
        self.counts.setdefault(what, Counter())[outcome] += 1

    def summary(self) -> str:
        parts = []
        for what, outcome in self.counts.items():
            total = sum(outcome.values())
            changes = ", ".join(
                f"{outcome[o]} {o}" for o in (CREATED, UPDATED, SKIPPED) if outcome[o]
            )
            parts.append(f"{total} {what}" + (f" ({changes})" if changes else ""))
        return f"{self.title}: " + ("; ".join(parts) if parts else "nothing to load")


def _differs(obj: models.Model, name: str, value: Any) -> bool:
    field_ = obj._meta.get_field(name)
    if isinstance(field_, models.ForeignKey):
        return getattr(obj, field_.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


_LOOK_IT_UP: Any = object()


def upsert(
    model: type[M],
    *,
    lookup: dict[str, Any],
    values: dict[str, Any],
    existing: M | None = _LOOK_IT_UP,
) -> tuple[M, str]:
    """Create the object found by ``lookup`` with ``values``, or bring it in line with them.

    Saves (and so writes a history row) only when something differs, so running the
    demo loaders again leaves the database, history included, exactly as it was.
    Loaders that fetched the existing rows in bulk pass ``existing`` (None when there is
    none yet) so that no query is made here.
    """
    obj = model._default_manager.filter(**lookup).first() if existing is _LOOK_IT_UP else existing
    if obj is None:
        obj = model(**lookup, **values)
        outcome = CREATED
    else:
        changed = [name for name, value in values.items() if _differs(obj, name, value)]
        if not changed:
            return obj, UNCHANGED
        for name in changed:
            setattr(obj, name, values[name])
        outcome = UPDATED
    obj.full_clean()
    obj._history_user = None  # written by the seed command, not by a person
    obj.save()
    return obj, outcome
