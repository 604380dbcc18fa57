"""Tasks for the whole service: a diagnostic ping and the outbox relay (each app keeps its
own tasks in its tasks.py)."""

from __future__ import annotations

from celery import shared_task


@shared_task(bind=True)
def ping(self) -> dict[str, str | None]:
    """Answer "pong" with the name of the worker that ran the task.

    For operators: ``celery -A csp_portal call csp_portal.tasks.ping`` puts one on the
    queue, and the worker's log shows it run. The worker's name in the reply shows which
    worker took it (``name@host``); a task run eagerly in the calling process names only
    the host.
    """
    return {"reply": "pong", "worker": self.request.hostname}


@shared_task(ignore_result=True)
def outbox_relay() -> dict[str, int]:
    """Publish the outbox rows whose publish after commit failed (beat runs it every
    ``OUTBOX_RELAY_SECONDS``; a worker runs it once when it starts). Idempotent: a row
    is locked while it is published, and one published twice runs once."""
    from csp_portal.lib.outbox import relay

    return relay().as_dict()
