"""Writes for generated documents: ask for one, render it (in a worker), report progress.

``document_request`` makes a queued version and enqueues the render after the commit;
``document_render`` (called by documents.tasks.document_render_task) renders it with the
kind's function, stores the bytes, and marks it ready with its checksum and size, or
failed with a reason. A second run of a ready or failed document does nothing, and a run
that finds the document already rendering (a worker died mid-render and the task came
back) renders it again: the task is safe to deliver twice.
"""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from csp_portal.lib.outbox import enqueue
from csp_portal.lib.workflow import Step, Transition, Workflow
from documents.kinds import RenderError, get_kind
from documents.models import DocumentEvent, GeneratedDocument, document_path
from documents.permissions import can_render_document, can_request_document

if TYPE_CHECKING:
    from accounts.models import User
    from partnerships.models import Partnership

logger = logging.getLogger(__name__)
Status = GeneratedDocument.Status

FAILED_FOR_AN_UNKNOWN_REASON = gettext_lazy(
    "The document could not be made because of a fault in the portal. Ask for it again; "
    "if it fails again, tell the service desk."
)


def _store_result(step: Step) -> None:
    """Finish: the stored file, its checksum and size (computed by document_render)."""
    document = step.obj
    for name in ("file", "filename", "media_type", "checksum", "size"):
        setattr(document, name, step.data[name])
    document.progress = 100
    step.fields += ["file", "filename", "media_type", "checksum", "size", "progress"]


def _store_error(step: Step) -> None:
    step.obj.error = str(step.data["error"])[:500]
    step.fields.append("error")


DOCUMENT_WORKFLOW = Workflow(
    model=GeneratedDocument,
    event_model=DocumentEvent,
    event_object="document",
    lock_related=("partnership",),
    transitions=[
        Transition(
            "start",
            source=[Status.QUEUED],
            target=Status.RENDERING,
            rule=can_render_document,
            event=DocumentEvent.Kind.STARTED,
            stamp="started_at",
        ),
        Transition(
            "finish",
            source=[Status.RENDERING],
            target=Status.READY,
            rule=can_render_document,
            event=DocumentEvent.Kind.READY,
            stamp="finished_at",
            effect=_store_result,
        ),
        Transition(
            "fail",
            source=[Status.QUEUED, Status.RENDERING],
            target=Status.FAILED,
            rule=can_render_document,
            event=DocumentEvent.Kind.FAILED,
            stamp="finished_at",
            effect=_store_error,
        ),
    ],
)


@transaction.atomic
def document_request(
    *, subject: Any, kind: str, by: User, partnership: Partnership | None = None
) -> GeneratedDocument:
    """Ask for a new version of ``kind`` of ``subject`` (any model instance; its
    ``partnership`` unless given). The render is enqueued once the request commits."""
    from django.contrib.contenttypes.models import ContentType

    partnership = partnership if partnership is not None else subject.partnership
    can_request_document(by, partnership, kind).raise_if_denied()
    # Lock the subject's row, so two requests at once number their versions one after
    # the other instead of colliding on the unique version number.
    list(type(subject)._default_manager.select_for_update().filter(pk=subject.pk).values("pk"))
    subject_type = ContentType.objects.get_for_model(subject)
    latest = (
        GeneratedDocument.objects.filter(
            subject_type=subject_type, subject_id=subject.pk, kind=kind
        )
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    document = GeneratedDocument.objects.create(
        subject_type=subject_type,
        subject_id=subject.pk,
        partnership=partnership,
        kind=kind,
        version=(latest or 0) + 1,
        requested_by=by,
    )
    DOCUMENT_WORKFLOW.record(document, DocumentEvent.Kind.REQUESTED, by=by, to_state=Status.QUEUED)
    from documents.tasks import document_render_task

    # Through the outbox: a request committed while the broker is down is still rendered.
    enqueue(document_render_task, document.pk)
    return document


def document_progress(*, document: GeneratedDocument, percent: int) -> None:
    """How far a render has got (0–100), for the page that polls it. One UPDATE."""
    GeneratedDocument.objects.filter(pk=document.pk, status=Status.RENDERING).update(
        progress=max(0, min(100, int(percent))), updated_at=timezone.now()
    )


def document_render(*, document_id: int) -> GeneratedDocument:
    """Render, store, checksum and mark ready (or failed). Safe to run twice."""
    document = GeneratedDocument.objects.select_related("partnership").get(pk=document_id)
    if document.status in (Status.READY, Status.FAILED):
        return document
    if document.status == Status.QUEUED:
        try:
            document = DOCUMENT_WORKFLOW.apply("start", document, by=None)
        except PermissionDenied:
            # Another run moved it on since it was read; carry on only if it is rendering.
            document.refresh_from_db()
            if document.status != Status.RENDERING:
                return document
    try:
        rendered = get_kind(document.kind).render(
            document, lambda percent: document_progress(document=document, percent=percent)
        )
    except RenderError as exc:
        return _fail(document, str(exc))
    except Exception:
        logger.exception("Rendering document %s (%s) failed", document.pk, document.kind)
        return _fail(document, str(FAILED_FOR_AN_UNKNOWN_REASON))
    content = rendered.content
    storage = GeneratedDocument._meta.get_field("file").storage
    name = storage.save(document_path(document, rendered.filename), ContentFile(content))
    try:
        return DOCUMENT_WORKFLOW.apply(
            "finish",
            document,
            by=None,
            file=name,
            filename=rendered.filename,
            media_type=rendered.media_type,
            checksum=hashlib.sha256(content).hexdigest(),
            size=len(content),
        )
    except PermissionDenied:
        # Another run finished (or failed) it first: keep its file, drop this one.
        storage.delete(name)
        document.refresh_from_db()
        return document


def _fail(document: GeneratedDocument, reason: str) -> GeneratedDocument:
    try:
        return DOCUMENT_WORKFLOW.apply("fail", document, by=None, error=reason or _("Failed"))
    except PermissionDenied:
        document.refresh_from_db()
        return document
