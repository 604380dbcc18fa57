"""Writes for plans, priorities, actions, measures and targets.

Every service checks its permission rule, validates with full_clean and records the
person for the change history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from csp_portal.lib.workflow import Step, Transition, Workflow
from priorities.models import Action, Measure, MeasureTarget, Plan, PlanEvent, Priority
from priorities.permissions import (
    can_adopt_plan,
    can_create_plan,
    can_edit_plan,
    can_refresh_plan,
    can_supersede_plan,
    can_update_action_progress,
)

if TYPE_CHECKING:
    from accounts.models import User
    from partnerships.models import Partnership


def _save(obj: Any, by: User | None, update_fields: list[str] | None = None) -> Any:
    obj.full_clean()
    obj._history_user = by
    if update_fields is not None:
        obj.save(update_fields=[*update_fields, "updated_at"])
    else:
        obj.save()
    return obj


def _apply(obj: Any, data: dict[str, Any]) -> list[str]:
    changed = []
    for field, value in data.items():
        if getattr(obj, field) != value:
            setattr(obj, field, value)
            changed.append(field)
    return changed


# Plans ------------------------------------------------------------------------------


def _attname(name: str) -> str:
    field = Action._meta.get_field(name)
    if not isinstance(field, models.Field):  # a reverse relation has no column to copy
        raise ImproperlyConfigured(f"Action.CONTENT_FIELDS: {name!r} is not a field of Action")
    return field.attname


# What the yearly refresh copies from each action: its content, by attname (the lead's
# id, so the organisation or board is not loaded for every action).
_ACTION_COPIED = tuple(_attname(f) for f in Action.CONTENT_FIELDS)


@transaction.atomic
def plan_create(
    *,
    partnership: Partnership,
    title: str,
    first_year: int,
    last_year: int,
    by: User,
    summary: str = "",
) -> Plan:
    can_create_plan(by, partnership).raise_if_denied()
    latest = partnership.plans.order_by("-version").first()
    plan = Plan(
        partnership=partnership,
        title=title,
        first_year=first_year,
        last_year=last_year,
        summary=summary,
        version=(latest.version + 1) if latest else 1,
    )
    return _save(plan, by)


@transaction.atomic
def plan_update(*, plan: Plan, data: dict[str, Any], by: User) -> int:
    """Change a draft plan's details. Narrowing its years deletes the measures' targets
    for the years it no longer covers (each deletion kept in the change history), so no
    target is left that no page shows. Returns how many targets were deleted."""
    can_edit_plan(by, plan).raise_if_denied()
    changed = _apply(
        plan, {k: data[k] for k in ("title", "first_year", "last_year", "summary") if k in data}
    )
    if not changed:
        return 0
    _save(plan, by, changed)
    outside = MeasureTarget.objects.filter(measure__priority__plan=plan).exclude(
        financial_year__range=(plan.first_year, plan.last_year)
    )
    removed = 0
    for target in outside:
        target._history_user = by
        target.delete()
        removed += 1
    return removed


@transaction.atomic
def plan_delete(*, plan: Plan, by: User) -> None:
    """Delete a draft plan. Adopted and superseded plans are the record, so they stay."""
    can_edit_plan(by, plan).raise_if_denied()
    plan._history_user = by
    plan.delete()


# Adopting is a declared workflow (csp_portal.lib.workflow): the plan row is locked, the
# rule decided on the locked row, and a PlanEvent recorded with who and when.


def _has_priorities(step: Step) -> None:
    if not step.obj.priorities.exists():
        raise ValidationError(_("Add at least one priority before adopting the plan."))


def _supersede_current(step: Step) -> None:
    """Adopt: the adopted plan it replaces becomes superseded, first (one adopted plan
    per partnership is also a database constraint)."""
    current = (
        Plan.objects.filter(partnership_id=step.obj.partnership_id, status=Plan.Status.ADOPTED)
        .exclude(pk=step.obj.pk)
        .first()
    )
    if current is not None:
        PLAN_WORKFLOW.apply("supersede", current, by=step.by)


PLAN_WORKFLOW = Workflow(
    model=Plan,
    event_model=PlanEvent,
    event_object="plan",
    lock_related=("partnership",),
    transitions=[
        Transition(
            "adopt",
            source=[Plan.Status.DRAFT],
            target=Plan.Status.ADOPTED,
            rule=can_adopt_plan,
            event=PlanEvent.Kind.ADOPTED,
            stamp="adopted_on",
            person="adopted_by",
            validate=_has_priorities,
            effect=_supersede_current,
        ),
        Transition(
            "supersede",
            source=[Plan.Status.ADOPTED],
            target=Plan.Status.SUPERSEDED,
            rule=can_supersede_plan,
            event=PlanEvent.Kind.SUPERSEDED,
        ),
    ],
)


def plan_adopt(*, plan: Plan, by: User) -> Plan:
    return PLAN_WORKFLOW.apply("adopt", plan, by=by)


@transaction.atomic
def plan_refresh(
    *, plan: Plan, by: User, first_year: int | None = None, last_year: int | None = None
) -> Plan:
    """The yearly refresh: a new draft version copying the adopted plan's content.

    By default the refreshed plan rolls on a year (2013/14–2015/16 becomes
    2014/15–2016/17). Measures keep their lineage; action progress is carried over.
    Targets are copied for the years the new plan covers (a year it does not cover could
    be neither used nor edited).
    """
    can_refresh_plan(by, plan).raise_if_denied()
    new = Plan(
        partnership=plan.partnership,
        title=plan.title,
        summary=plan.summary,
        first_year=first_year if first_year is not None else plan.first_year + 1,
        last_year=last_year if last_year is not None else plan.last_year + 1,
        version=plan.partnership.plans.order_by("-version")
        .values_list("version", flat=True)
        .first()
        + 1,
        previous=plan,
    )
    _save(new, by)
    priorities = plan.priorities.prefetch_related("objectives", "actions", "measures__targets")
    for old_priority in priorities:
        priority = Priority(
            plan=new,
            code=old_priority.code,
            title=old_priority.title,
            description=old_priority.description,
            sponsor_id=old_priority.sponsor_id,
            lead_officer=old_priority.lead_officer,
            order=old_priority.order,
        )
        _save(priority, by)
        priority.objectives.set(old_priority.objectives.all())
        for old_action in old_priority.actions.all():
            action = Action(
                priority=priority,
                order=old_action.order,
                **{name: getattr(old_action, name) for name in _ACTION_COPIED},
            )
            _save(action, by)
        for old_measure in old_priority.measures.all():
            measure = Measure(
                priority=priority,
                lineage=old_measure.lineage,
                order=old_measure.order,
                **{f: getattr(old_measure, f) for f in Measure.CONTENT_FIELDS},
            )
            _save(measure, by)
            MeasureTarget.objects.bulk_create(
                [
                    MeasureTarget(
                        measure=measure,
                        financial_year=t.financial_year,
                        period=t.period,
                        value=t.value,
                    )
                    for t in old_measure.targets.all()
                    if new.covers(t.financial_year)
                ]
            )
    return new


# Priorities, measures and targets ---------------------------------------------------


@transaction.atomic
def priority_create(*, plan: Plan, data: dict[str, Any], by: User) -> Priority:
    can_edit_plan(by, plan).raise_if_denied()
    objectives = data.pop("objectives", None)
    priority = _save(Priority(plan=plan, **data), by)
    if objectives is not None:
        priority.objectives.set(objectives)
    return priority


@transaction.atomic
def priority_update(*, priority: Priority, data: dict[str, Any], by: User) -> Priority:
    can_edit_plan(by, priority.plan).raise_if_denied()
    objectives = data.pop("objectives", None)
    changed = _apply(priority, data)
    if changed:
        _save(priority, by, changed)
    if objectives is not None:
        priority.objectives.set(objectives)
    return priority


@transaction.atomic
def priority_delete(*, priority: Priority, by: User) -> None:
    can_edit_plan(by, priority.plan).raise_if_denied()
    priority._history_user = by
    priority.delete()


@transaction.atomic
def measure_create(*, priority: Priority, data: dict[str, Any], by: User) -> Measure:
    can_edit_plan(by, priority.plan).raise_if_denied()
    return _save(Measure(priority=priority, **data), by)


@transaction.atomic
def measure_update(*, measure: Measure, data: dict[str, Any], by: User) -> Measure:
    can_edit_plan(by, measure.priority.plan).raise_if_denied()
    changed = _apply(measure, data)
    return _save(measure, by, changed) if changed else measure


@transaction.atomic
def measure_delete(*, measure: Measure, by: User) -> None:
    can_edit_plan(by, measure.priority.plan).raise_if_denied()
    if measure.values.exists():
        raise ValidationError(
            _("This measure already has values in a return, so it cannot be deleted.")
        )
    measure._history_user = by
    measure.delete()


@transaction.atomic
def measure_targets_set(
    *, measure: Measure, financial_year: int, targets: dict[str, Any], by: User
) -> None:
    """Set one year's targets: {"year": 4585, "q1": 2274, …}; None removes a target."""
    can_edit_plan(by, measure.priority.plan).raise_if_denied()
    if not measure.priority.plan.covers(financial_year):
        raise ValidationError(_("The plan does not cover that financial year."))
    existing = {t.period: t for t in measure.targets.filter(financial_year=financial_year)}
    for period, value in targets.items():
        target = existing.get(period)
        if value is None:
            if target is not None:
                target._history_user = by
                target.delete()
            continue
        if target is None:
            _save(
                MeasureTarget(
                    measure=measure, financial_year=financial_year, period=period, value=value
                ),
                by,
            )
        elif target.value != value:
            target.value = value
            _save(target, by, ["value"])


# Actions ----------------------------------------------------------------------------

ACTION_PROGRESS_FIELDS = ("status", "rag", "progress_note", "completed_on")


def _normalise_action(action: Action) -> None:
    # Blue means complete, and only complete.
    if action.status == Action.Status.COMPLETE:
        action.rag = Action.Rag.BLUE
        action.completed_on = action.completed_on or timezone.localdate()
    elif action.rag == Action.Rag.BLUE:
        action.rag = ""
    if action.status != Action.Status.COMPLETE:
        action.completed_on = None


@transaction.atomic
def action_create(*, priority: Priority, data: dict[str, Any], by: User) -> Action:
    can_edit_plan(by, priority.plan).raise_if_denied()
    action = Action(priority=priority, **data)
    _normalise_action(action)
    return _save(action, by)


@transaction.atomic
def action_update(*, action: Action, data: dict[str, Any], by: User) -> Action:
    """Progress fields may change on an adopted plan; everything else only on a draft."""
    plan = action.priority.plan
    structural = {k: v for k, v in data.items() if k not in ACTION_PROGRESS_FIELDS}
    if any(getattr(action, k) != v for k, v in structural.items()):
        can_edit_plan(by, plan).raise_if_denied()
    else:
        can_update_action_progress(by, plan).raise_if_denied()
    changed = _apply(action, data)
    _normalise_action(action)
    changed = sorted(set(changed) | {"rag", "completed_on"})
    return _save(action, by, changed)


@transaction.atomic
def action_delete(*, action: Action, by: User) -> None:
    can_edit_plan(by, action.priority.plan).raise_if_denied()
    action._history_user = by
    action.delete()
