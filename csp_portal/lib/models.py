"""Abstract base models shared by every app."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from csp_portal.lib.bounds import COMMENT_MAX_LENGTH, BoundedTextField


class BaseModel(models.Model):
    created_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    # Who made the change, for django-simple-history: services set it before save().
    _history_user: Any

    class Meta:
        abstract = True


class CodedModel(BaseModel):
    """A model reached by URL: addressed by an unguessable UUID, never by its row id."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class WorkflowEvent(BaseModel):
    """One step of an object's workflow: what happened, from which state to which, who
    did it, when, and the comment that came with it (csp_portal.lib.workflow records it).

    Each app's event table inherits it and adds the foreign key to its object, and its
    own ``kind`` with the app's choices (``kind = models.CharField(max_length=…,
    choices=Kind.choices)``). When it happened is ``created_at`` (the column every table
    of the portal has; ``at`` reads it). Events are append-only: nothing edits one, so a
    table of them is its own history and keeps no simple-history table.
    """

    kind = models.CharField(_("what happened"), max_length=30)
    from_state = models.CharField(_("from"), max_length=30, blank=True, default="")
    to_state = models.CharField(_("to"), max_length=30, blank=True, default="")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    comment = BoundedTextField(_("comment"), blank=True, max_length=COMMENT_MAX_LENGTH)

    class Meta:
        abstract = True

    @property
    def at(self) -> dt.datetime:
        return self.created_at
