"""The Celery app. Broker and options come from Django settings (CELERY_*);
tasks are discovered in each app's ``tasks.py``.

Every task is a ``PortalTask``: when its message came from the outbox
(``csp_portal/lib/outbox.py``) it runs once per outbox row, however often the row was
published. When a worker starts it runs the outbox relay once, so work that waited for
the broker goes out as soon as there is a worker to do it.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from celery import Celery, Task
from celery.signals import setup_logging, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csp_portal.settings.local")

logger = logging.getLogger(__name__)


class PortalTask(Task):
    """Skips a task whose outbox row is done already, and marks the row done when the task
    returns (a task that raises leaves it undone, to be run again)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        request = self.request_stack.top
        if request is None or request.called_directly:
            return super().__call__(*args, **kwargs)  # called as a plain function
        # Run by a worker or eagerly: the tracer has pushed the request already, so run
        # the body as Celery does for a task without a __call__ of its own.
        from csp_portal.lib import outbox  # the models are loaded by the time a task runs

        message_id = outbox.message_id_of(request)
        if message_id is None:
            return self.run(*args, **kwargs)
        if outbox.is_done(message_id):
            logger.info("%s for outbox row %d ran already; skipped", self.name, message_id)
            return None
        result = self.run(*args, **kwargs)
        outbox.mark_done(message_id)
        return result


app = Celery("csp_portal", task_cls=PortalTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _use_django_logging(*args: Any, **kwargs: Any) -> None:
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


@worker_ready.connect
def _relay_the_outbox(sender: Any = None, **kwargs: Any) -> None:
    # Through the broker the worker has just reached, so it never blocks its start-up.
    app.send_task("csp_portal.tasks.outbox_relay")
