"""What the plan and return loaders share: the people who act, dates and numbers from
the JSON, and service errors turned into messages that name the file at fault."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import User
from demo.base import DemoDataError
from partnerships.models import Partnership


def partnership_for(source: str, slug: str) -> Partnership:
    partnership = Partnership.objects.select_related("force_area").filter(slug=slug).first()
    if partnership is None:
        raise DemoDataError(f"{source}: no partnership with slug {slug!r} (see partnerships.json)")
    return partnership


def people_for(source: str, people: dict[str, str]) -> dict[str, User]:
    """{"officer": email, "manager": email} -> the demo users, who must be loaded."""
    users = User.objects.in_bulk(list(people.values()), field_name="email")
    missing = sorted(set(people.values()) - set(users))
    if missing:
        raise DemoDataError(f"{source}: {', '.join(missing)} not in people.json")
    return {part: users[email] for part, email in people.items()}


def as_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def as_decimal(value: Any) -> Decimal | None:
    """JSON numbers as exact decimals (8.1 stays 8.1, not 8.0999…)."""
    return None if value is None else Decimal(str(value))


def check_keys(source: str, entry: dict[str, Any], allowed: Iterable[str]) -> None:
    """Refuse unknown keys (a typo would otherwise be silently ignored). "_" keys are notes."""
    unknown = sorted(k for k in entry if not k.startswith("_") and k not in set(allowed))
    if unknown:
        raise DemoDataError(f"{source}: unknown key(s) {', '.join(unknown)}")


@contextmanager
def explained(source: str) -> Iterator[None]:
    """A service refused the demo data: say which file and step, and why."""
    try:
        yield
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
        else:
            detail = "; ".join(error.messages)
        raise DemoDataError(f"{source}: {detail}") from error
    except PermissionDenied as error:
        raise DemoDataError(f"{source}: {error}") from error
