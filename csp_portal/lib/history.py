"""Change history for every model a user edits (django-simple-history, extended).

Each historical row also records which partnership the object belongs to, a readable
name for the object and what changed (field label -> [before, after]), worked out once
when the row is written. A partnership's change history page is then a single UNION
query over all historical tables, filtered by partnership, with no per-row look-ups.

Use ``history = portal_history()`` on a model, and give the model a
``history_partnership_id()`` method when it belongs to a partnership.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import CharField, F, QuerySet, Value
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

_MAX_TEXT = 300


class HistoryExtras(models.Model):
    # Set by django-simple-history on the historical model this is a base of.
    history_type: str

    history_partnership_id = models.BigIntegerField(null=True, db_index=True)
    history_object_repr = models.CharField(max_length=255, default="")
    history_changes = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True


def portal_history(**kwargs: Any) -> HistoricalRecords:
    return HistoricalRecords(bases=[HistoryExtras], **kwargs)


def _related_name(
    field: models.ForeignKey[Any, Any], value: Any, instance: models.Model | None
) -> str:
    # The object the saved instance points at is usually already loaded on it (it was
    # passed to the constructor or a service), so naming it costs no query. Only a value
    # that is not loaded (an old value being replaced) is looked up.
    if instance is not None and field.is_cached(instance):
        related = field.get_cached_value(instance)
        if related is not None and related.pk == value:
            return str(related)
    related_model: Any = field.related_model
    obj = related_model._base_manager.filter(pk=value).first()
    return str(obj) if obj is not None else f"#{value} (deleted)"


def _display(
    field: models.Field[Any, Any], value: Any, instance: models.Model | None = None
) -> str:
    if value is None or value == "":
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        return _related_name(field, value, instance)
    if isinstance(field, models.BooleanField):
        return "Yes" if value else "No"
    text = str(value)
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


def _changes(
    history_model: Any, history_instance: Any, instance: models.Model
) -> dict[str, list[str]]:
    """Field label -> [before, after] for the fields this write changed.

    Compares the ``attname`` values (``partnership_id``, not ``partnership``), so an
    unchanged foreign key is never loaded; a new object has no earlier row to read.
    """
    previous = None
    if history_instance.history_type != "+":
        previous = (
            history_model.objects.filter(id=history_instance.id)
            .order_by("-history_date", "-history_id")
            .first()
        )
    changes: dict[str, list[str]] = {}
    for field in history_model.tracked_fields:
        if field.name in ("id", "created_at", "updated_at", "code"):
            continue
        new = getattr(history_instance, field.attname)
        old = getattr(previous, field.attname) if previous is not None else None
        if previous is not None and old == new:
            continue
        if previous is None and new in (None, "", False):
            continue
        label = str(field.verbose_name)
        changes[label[:1].upper() + label[1:]] = [
            _display(field, old),
            _display(field, new, instance),
        ]
    return changes


def _safely(fn: Any, fallback: Any) -> Any:
    # During a cascade delete the parent rows may already be gone, so following a
    # relation to name the object or find its partnership can fail.
    try:
        return fn()
    except ObjectDoesNotExist:
        return fallback


@receiver(pre_create_historical_record)
def _fill_history_extras(
    sender: Any, instance: models.Model, history_instance: Any, **kwargs: Any
) -> None:
    if not isinstance(history_instance, HistoryExtras):
        return
    partnership_id = getattr(instance, "history_partnership_id", None)
    history_instance.history_partnership_id = (
        _safely(partnership_id, None) if callable(partnership_id) else None
    )
    fallback = f"{instance._meta.verbose_name} {instance.pk}"
    history_instance.history_object_repr = _safely(lambda: str(instance), fallback)[:255]
    if history_instance.history_type == "-":
        history_instance.history_changes = {}
    else:
        history_instance.history_changes = _changes(sender, history_instance, instance)


def historical_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if issubclass(m, HistoryExtras)]


def partnership_history(partnership_id: int) -> QuerySet[Any, dict[str, Any]]:
    """Every recorded change to a partnership's objects, newest first, as dicts.

    One query: a UNION over the historical tables. Rows carry ``model`` (the app label
    and model name) so the page can say what kind of thing changed.
    """
    columns = (
        "history_id",
        "history_date",
        "history_type",
        "history_user_id",
        "history_object_repr",
        "history_changes",
        "history_change_reason",
    )
    querysets: list[QuerySet[Any, dict[str, Any]]] = []
    history_model: Any
    for history_model in historical_models():
        instance_model = history_model.instance_type
        label = f"{instance_model._meta.app_label}.{instance_model._meta.model_name}"
        querysets.append(
            history_model.objects.filter(history_partnership_id=partnership_id)
            .annotate(
                model=Value(label, output_field=CharField()), user_name=F("history_user__name")
            )
            .values(*columns, "model", "user_name")
            # No ORDER BY inside the UNION (historical models order by date by
            # default); SQLite refuses it. The union is ordered as a whole below.
            .order_by()
        )
    first, *rest = querysets
    union: QuerySet[Any, dict[str, Any]] = first.union(*rest, all=True)
    return union.order_by("-history_date", "-history_id")
