"""A document asked for in the portal is rendered by a real Celery worker (another
process, tests/worker.py) and becomes ready with the checksum of the bytes it stored."""

from __future__ import annotations

import hashlib
import time

import pytest

from csp_portal.celery import app
from csp_portal.lib.outbox import OutboxMessage
from documents.models import GeneratedDocument
from documents.services import document_request
from documents.tasks import document_render_task
from tests.documents import kinds  # noqa: F401 - registers the test kinds here too


@pytest.fixture
def shared_media(settings, monkeypatch):
    """The worker stores files where this test reads them: the same media root."""
    monkeypatch.setenv("CSP_MEDIA_ROOT", str(settings.MEDIA_ROOT))
    return settings.MEDIA_ROOT


def wait_until_finished(document: GeneratedDocument) -> GeneratedDocument:
    """Poll until the worker has finished (the deadline only stops a stuck run)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        document.refresh_from_db()
        if document.status in (GeneratedDocument.Status.READY, GeneratedDocument.Status.FAILED):
            return document
        time.sleep(0.2)
    raise AssertionError(f"the worker did not finish the document: {document.status}")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_a_requested_document(
    world, settings, monkeypatch, shared_media, celery_worker
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    sent = []

    publish = document_render_task.apply_async

    def publish_on_the_workers_own_queue(args=None, kwargs=None, **options):
        # The service enqueues through the outbox, which publishes after the commit; the
        # test sends that message to this worker's own queue (another test session may
        # share the broker), with the outbox's own options (its row id in the headers).
        with app.connection_for_write(celery_worker.broker_url) as connection:
            options.update(queue=celery_worker.queue, connection=connection)
            sent.append(publish(args, kwargs, **options))

    monkeypatch.setattr(document_render_task, "apply_async", publish_on_the_workers_own_queue)

    document = document_request(
        subject=world.home, partnership=world.home, kind="test_note", by=world.person("officer")
    )
    assert len(sent) == 1  # published through the outbox once the request committed
    assert OutboxMessage.objects.get(task_name=document_render_task.name).sent_at is not None

    document = wait_until_finished(document)

    assert document.status == GeneratedDocument.Status.READY, document.error
    stored = document.file.read()
    assert stored.startswith(b"%PDF-")
    assert document.checksum == hashlib.sha256(stored).hexdigest()
    assert document.size == len(stored)
    assert list(document.events.values_list("kind", flat=True)) == [
        "requested",
        "started",
        "ready",
    ]
