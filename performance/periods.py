"""Quarter arithmetic of the UK financial year, written once.

A quarter is keyed as ``(financial year, quarter)``: (2013, 1) is April to June 2013,
(2013, 4) January to March 2014. Its URL form (slug) is "2013-q1" and its label
"Q1 2013/14". Everything here is plain arithmetic on dates and keys: no queries, no
models (``ReportingPeriod`` uses these functions for its dates, slug and label).
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from priorities.models import financial_year_label

Key = tuple[int, int]

# Quarter -> (first month, last month) in the UK financial year.
_QUARTER_MONTHS = {1: (4, 6), 2: (7, 9), 3: (10, 12), 4: (1, 3)}
_SLUG_RE = re.compile(r"^(\d{4})-q([1-4])$")


def quarter_dates(financial_year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a quarter: (2013, 1) -> 1 April 2013, 30 June 2013."""
    first_month, last_month = _QUARTER_MONTHS[quarter]
    year = financial_year if quarter < 4 else financial_year + 1
    start = dt.date(year, first_month, 1)
    next_month = dt.date(year + (last_month == 12), last_month % 12 + 1, 1)
    return start, next_month - dt.timedelta(days=1)


def period_containing(day: dt.date) -> Key:
    """(financial year, quarter) of a date: 15 May 2013 -> (2013, 1)."""
    financial_year = day.year if day.month >= 4 else day.year - 1
    quarter = (day.month - 4) % 12 // 3 + 1
    return financial_year, quarter


def previous_key(key: Key) -> Key:
    """The quarter before: (2013, 1) -> (2012, 4)."""
    year, quarter = key
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def quarters_ending(key: Key, count: int) -> list[Key]:
    """The ``count`` quarters up to and including ``key``, oldest first."""
    keys = [key]
    while len(keys) < count:
        keys.append(previous_key(keys[-1]))
    return keys[::-1]


def latest_ended_quarter(today: dt.date | None = None) -> Key:
    """The most recent quarter that has ended: the one returns are being made for."""
    return previous_key(period_containing(today or timezone.localdate()))


def parse_period(slug: str | None) -> Key | None:
    """ "2013-q2" -> (2013, 2); anything else (or a year outside 2000–2100) -> None."""
    match = _SLUG_RE.match((slug or "").strip().lower())
    if not match:
        return None
    year, quarter = int(match.group(1)), int(match.group(2))
    if not 2000 <= year <= 2100:
        return None
    return year, quarter


def period_slug(key: Key) -> str:
    """(2013, 2) -> "2013-q2", the URL form that parse_period reads."""
    return f"{key[0]}-q{key[1]}"


def period_label(key: Key) -> str:
    """(2013, 2) -> "Q2 2013/14"."""
    return f"Q{key[1]} {financial_year_label(key[0])}"


def months_label(key: Key) -> str:
    """(2013, 2) -> "July to September 2013"."""
    starts_on, ends_on = quarter_dates(*key)
    return f"{starts_on:%B} to {ends_on:%B %Y}"
