"""The demo's clock: run the real services as if it were a day in the past.

The plans and returns of the demo happened years ago (Norfolk's Q1 2013/14 return was
signed off in August 2013). The loaders build them through the real services, so the
history rows, events, versions and RAG are the ones the portal writes; inside
``demo_clock(moment)`` every time the services read (``django.utils.timezone.now`` and
``localdate``, the ``created_at``/``updated_at`` defaults, simple-history's
``history_date``) is ``moment``, so a return submitted on 2 August 2013 says so
everywhere, change summaries included.

It works by standing in for the ``datetime`` class that ``django.utils.timezone.now``
calls, for the length of the block. Only the demo loaders use it, in one thread, and
it is always put back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone


@contextmanager
def demo_clock(moment: dt.datetime) -> Iterator[dt.datetime]:
    if timezone.is_naive(moment):
        raise ValueError("demo_clock needs an aware datetime")

    class _Stopped(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
            if tz is None:
                return timezone.make_naive(moment)
            return moment.astimezone(tz)

    real = timezone.datetime
    timezone.datetime = _Stopped  # type: ignore[misc]
    try:
        yield moment
    finally:
        timezone.datetime = real  # type: ignore[misc]


class Timeline:
    """Moments for the steps of one story (a plan, a return), always moving forward.

    Each step happens on its day at 09:30 local time; a second step on the same day
    comes a few minutes after the first, so events and history keep their order. No
    moment is later than now: a step due "today" happens an hour ago at the latest.
    """

    STEP = dt.timedelta(minutes=7)

    def __init__(self) -> None:
        self.last: dt.datetime | None = None

    def at(self, day: dt.date) -> dt.datetime:
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))
        latest = timezone.now() - dt.timedelta(hours=1)
        if self.last is not None and moment <= self.last:
            moment = self.last + self.STEP
        moment = min(moment, latest)
        if self.last is not None and moment <= self.last:
            moment = self.last + dt.timedelta(seconds=1)
        self.last = moment
        return moment
