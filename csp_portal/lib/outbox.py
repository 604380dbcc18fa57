"""A durable outbox: work a service enqueues is a row in PostgreSQL before it is a message.

A service calls ``enqueue(task, *args, **kwargs)`` inside its transaction. That writes an
``OutboxMessage`` row in the same transaction, so the work is committed exactly when the
data it is about is, and after the commit it tries to publish the task to the broker.
If the broker is unreachable the row stays pending (logged, never raised to the view: the
data is saved and the person is told so), and the relay publishes it later:

- ``relay()`` publishes due pending rows, oldest first, with a growing backoff per row
  (``backoff``); it stops at the first broker failure and leaves the rest for next time.
  It runs from beat every ``OUTBOX_RELAY_SECONDS`` (``csp_portal.tasks.outbox_relay``), once
  when a worker starts, and from ``manage.py outbox_relay``.
- A row published but whose task never finished (the broker lost the message: a Redis
  without persistence restarted) is published again after ``REPUBLISH_AFTER``, at most
  ``MAX_ATTEMPTS`` times in all.

So a row may be published more than once. The message carries the row's id in a header
(``HEADER``); the portal's task class (``csp_portal.celery.PortalTask``) skips a task
whose row is already done and marks the row done when the task returns. A task must still
be idempotent in itself: a worker killed after the work but before the mark runs it again
(docs/faults.md).

Only the model and these functions live here; nothing here imports an app.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)

HEADER = "csp_outbox_id"
REPUBLISH_AFTER = timedelta(hours=3)  # well past the visibility timeout plus the time limit
MAX_ATTEMPTS = 10
KEEP_DONE = timedelta(days=14)
RELAY_BATCH = 200


class OutboxMessage(models.Model):
    """One task to publish: its name and JSON arguments, and how publishing it went."""

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    attempts = models.PositiveIntegerField(default=0, help_text="Times it was published or tried.")
    last_error = models.CharField(max_length=1000, blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True, help_text="When its task finished.")

    class Meta:
        app_label = "csp_portal"
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(sent_at__isnull=True),
                name="outbox_pending_idx",
            ),
            models.Index(
                fields=["sent_at"],
                condition=Q(sent_at__isnull=False, done_at__isnull=True),
                name="outbox_unfinished_idx",
            ),
        ]

    def __str__(self) -> str:
        state = "done" if self.done_at else "sent" if self.sent_at else "pending"
        return f"{self.task_name} #{self.pk} ({state})"


@dataclass(frozen=True)
class RelayResult:
    sent: int
    failed: int
    pending: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def backoff(attempts: int) -> timedelta:
    """How long a row waits after its ``attempts``-th failed publish: 30 s, 1 min, 2 min, …
    up to an hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def enqueue(task: Any, *args: Any, **kwargs: Any) -> OutboxMessage:
    """Record ``task(*args, **kwargs)`` in the current transaction; publish it after commit.

    Arguments must be JSON (ids, not model instances). Never raises because the broker is
    down; a rolled-back transaction takes the row with it and publishes nothing.
    """
    message = OutboxMessage.objects.create(task_name=task.name, args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: _publish_after_commit(message.pk))
    return message


def _publish_after_commit(message_id: int) -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        publish(message_id)  # the task runs here; its errors propagate as without the outbox
        return
    try:
        publish(message_id)
    except Exception:  # the data is committed; the relay will publish the row
        logger.exception("Outbox: publishing row %d after commit failed", message_id)


def publish(message_id: int, *, connection: Any = None) -> bool:
    """Publish one pending row now; False if the broker refused (it stays pending) or the
    row was sent already or is being published by the relay."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, sent_at__isnull=True)
            .first()
        )
        if message is None:
            return False
        return _publish(message, connection)


def relay(*, ignore_backoff: bool = False, connection: Any = None) -> RelayResult:
    """Publish the rows that are due (all pending ones with ``ignore_backoff``) and those
    whose message was lost; stop at the first broker failure."""
    now = timezone.now()
    due = Q(sent_at__isnull=True)
    if not ignore_backoff:
        due &= Q(next_attempt_at__lte=now)
    lost = Q(sent_at__lt=now - REPUBLISH_AFTER, done_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
    sent = failed = 0
    with transaction.atomic():
        rows = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(due | lost)
            .order_by("pk")[:RELAY_BATCH]
        )
        for message in rows:
            if message.sent_at is not None:
                logger.warning("Outbox: %s never finished; publishing it again", message)
            if _publish(message, connection):
                sent += 1
            else:
                failed += 1
                break  # the broker is down: the others wait for the next run
    OutboxMessage.objects.filter(done_at__lt=now - KEEP_DONE).delete()
    pending = OutboxMessage.objects.filter(sent_at__isnull=True).count()
    if sent or failed:
        logger.info("Outbox relay: %d sent, %d failed, %d pending", sent, failed, pending)
    return RelayResult(sent=sent, failed=failed, pending=pending)


def _publish(message: OutboxMessage, connection: Any) -> bool:
    """Send ``message`` (a row locked by the caller) to the broker and record the outcome."""
    now = timezone.now()
    task = current_app.tasks[message.task_name]
    message.attempts += 1
    options: dict[str, Any] = {"headers": {HEADER: message.pk}}
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # No broker: the task runs here and now, and its errors propagate as they would
        # without the outbox.
        task.apply_async(message.args, message.kwargs, **options)
    else:
        try:
            # No retries here: the row is the retry. A dead broker costs one connect timeout.
            task.apply_async(
                message.args, message.kwargs, retry=False, connection=connection, **options
            )
        except Exception as exc:  # kombu, redis and socket errors: the broker is unreachable
            message.last_error = f"{type(exc).__name__}: {exc}"[:1000]
            message.next_attempt_at = now + backoff(message.attempts)
            message.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            logger.warning(
                "Outbox: could not publish %s (attempt %d, next at %s): %s",
                message,
                message.attempts,
                message.next_attempt_at.isoformat(),
                message.last_error,
            )
            return False
    message.sent_at = now
    message.last_error = ""
    message.save(update_fields=["attempts", "last_error", "sent_at"])
    return True


def message_id_of(request: Any) -> int | None:
    """The outbox row a running task's message came from, or None. A worker puts custom
    headers on the request as attributes; an eager run keeps them in ``headers``."""
    value = getattr(request, HEADER, None)
    if value is None:
        value = (getattr(request, "headers", None) or {}).get(HEADER)
    return int(value) if value is not None else None


def is_done(message_id: int) -> bool:
    return OutboxMessage.objects.filter(pk=message_id, done_at__isnull=False).exists()


def mark_done(message_id: int) -> None:
    OutboxMessage.objects.filter(pk=message_id, done_at__isnull=True).update(done_at=timezone.now())
