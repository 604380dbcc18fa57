"""A generated file (a PDF report, a letter) and the steps of its making.

A document is *of* something (any model: a report, an allocation), through a content type
and object id, and belongs to that thing's partnership, so the access helper can decide
who may download it. Each request makes a new version (1, 2, … per object and kind).

    queued --start--> rendering --finish--> ready
       |                  |
       +------fail--------+----fail-------> failed

The transitions are a declared workflow (documents.services.DOCUMENT_WORKFLOW); each is
a DocumentEvent. The file lives in a private storage (documents.storage), served only by
the permission-checked download view.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from csp_portal.lib.bounds import COMMENT_MAX_LENGTH, length_checks
from csp_portal.lib.models import CodedModel, WorkflowEvent
from documents.storage import documents_storage
from partnerships.models import Partnership


def document_path(document: GeneratedDocument, filename: str) -> str:
    # The unguessable code keeps names apart; the person downloads under ``filename``.
    return f"{document.kind}/{document.code}/v{document.version}-{filename}"


class GeneratedDocument(CodedModel):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=50)
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (per cent)"), default=0, validators=[MaxValueValidator(100)]
    )
    file = models.FileField(
        storage=documents_storage, upload_to=document_path, max_length=300, blank=True
    )
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    media_type = models.CharField(_("media type"), max_length=100, blank=True)
    checksum = models.CharField(_("SHA-256 checksum"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.CharField(_("why it failed"), max_length=500, blank=True)

    class Meta:
        ordering = ["subject_type", "subject_id", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "kind", "version"],
                name="documents_one_version_number_per_subject_and_kind",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="documents_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=~Q(status="ready") | (Q(size__isnull=False) & ~Q(checksum="")),
                name="documents_ready_has_size_and_checksum",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} version {self.version} ({self.get_status_display()})"

    @property
    def requested_at(self) -> dt.datetime:
        return self.created_at

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY


class DocumentEvent(WorkflowEvent):
    """A step of a document's making (documents.services.DOCUMENT_WORKFLOW writes them)."""

    class Kind(models.TextChoices):
        REQUESTED = "requested", _("Asked for")
        STARTED = "started", _("Started")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    document = models.ForeignKey(GeneratedDocument, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what happened"), max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["document", "created_at", "id"]
        constraints = length_checks("documents_event", comment=COMMENT_MAX_LENGTH)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.document})"
