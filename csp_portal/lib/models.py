"""Abstract base models shared by every app."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils import timezone


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
