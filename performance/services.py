"""Writes for quarterly returns: start, save a section, and the workflow transitions.

The transitions are a declared table (RETURN_WORKFLOW, on csp_portal.lib.workflow): each
locks the return row (select_for_update), checks its rule in performance.permissions on
the locked row, and records a ReturnEvent. Submitting stores a ReturnVersion
snapshot. Saving a section uses its ``revision`` as an optimistic lock, so a second
person saving from a stale page is refused instead of overwriting the first.

Longer than the house's 450 lines on purpose: every write to a return (start, save, the
four transitions, the upload) is here, so the locking and history rules that all of them
share are read in one file; reading, checking and presenting live elsewhere (uploads.py,
exports.py, selectors).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from csp_portal.lib.workflow import Step, Transition, Workflow
from performance.models import (
    DEFAULT_RAG_STATEMENTS,
    MeasureValue,
    PerformanceReturn,
    Rag,
    ReportingPeriod,
    ReturnEvent,
    ReturnSection,
    ReturnVersion,
)
from performance.permissions import (
    can_approve_return,
    can_edit_return,
    can_query_return,
    can_send_back_return,
    can_start_return,
    can_submit_return,
)
from performance.rag import calculate_rag, direction_of_travel, suggest_overall
from performance.snapshots import return_snapshot
from priorities.models import Plan

if TYPE_CHECKING:
    from accounts.models import User
    from partnerships.models import Partnership

Status = PerformanceReturn.Status

SECTION_FIELDS = (
    "summary",
    "milestones_reached",
    "milestones_missed",
    "prospects",
    "assessed_rag",
    "rag_statement",
    "rag_justification",
)
VALUE_FIELDS = ("value", "ytd_value", "national_comparator", "note", "no_data", "no_data_reason")


class ConcurrentEditError(ValidationError):
    """Someone else saved the section after this person opened it."""


def reporting_period_get(*, financial_year: int, quarter: int) -> ReportingPeriod:
    period, _created = ReportingPeriod.objects.get_or_create(
        financial_year=financial_year, quarter=quarter
    )
    return period


# Starting a return -----------------------------------------------------------------


@transaction.atomic
def performance_return_start(
    *, partnership: Partnership, period: ReportingPeriod, by: User
) -> PerformanceReturn:
    """Open the return for a quarter, with a section per priority of the adopted plan."""
    can_start_return(by, partnership).raise_if_denied()
    plan = partnership.plans.filter(status=Plan.Status.ADOPTED).first()
    if plan is None:
        raise ValidationError(
            _(
                "The partnership has no adopted plan. A manager must adopt a plan before returns can start."
            )
        )
    if not plan.covers(period.financial_year):
        raise ValidationError(
            _("The adopted plan runs from %(plan)s, so it does not cover %(period)s.")
            % {"plan": plan.period_label, "period": period.label}
        )
    if PerformanceReturn.objects.filter(partnership=partnership, period=period).exists():
        raise ValidationError(
            _("The %(period)s return has already been started.") % {"period": period.label}
        )
    ret = PerformanceReturn(partnership=partnership, period=period, plan=plan)
    ret.full_clean()
    ret._history_user = by
    ret.save()
    previous = previous_values(ret)
    priorities = plan.priorities.select_related("sponsor").prefetch_related("measures__targets")
    for order, priority in enumerate(priorities):
        section = ReturnSection(
            performance_return=ret,
            priority=priority,
            order=order,
            sponsor=str(priority.sponsor or ""),
            lead_officer=priority.lead_officer,
            updated_by=by,
        )
        section._history_user = by
        section.save()
        values = []
        for measure in priority.measures.all():
            targets = {
                t.period: t.value
                for t in measure.targets.all()
                if t.financial_year == period.financial_year
            }
            values.append(
                MeasureValue(
                    section=section,
                    measure=measure,
                    target=measure.target_for(period.financial_year, period.quarter, targets),
                    national_comparator=measure.national_comparator,
                )
            )
        # One INSERT for the values and one for their "created" history rows.
        bulk_create_with_history(values, MeasureValue, default_user=by)
        _recalculate(section, previous)
        section.save(update_fields=["suggested_rag"])
    RETURN_WORKFLOW.record(ret, ReturnEvent.Kind.STARTED, by=by, to_state=Status.DRAFT)
    return ret


# RAG ----------------------------------------------------------------------------------


def previous_values(ret: PerformanceReturn) -> dict[Any, Decimal | None]:
    """Last quarter's values of this partnership, by measure lineage (one query)."""
    financial_year, quarter = ret.period.previous_key()
    rows = MeasureValue.objects.filter(
        section__performance_return__partnership_id=ret.partnership_id,
        section__performance_return__period__financial_year=financial_year,
        section__performance_return__period__quarter=quarter,
    ).values_list("measure__lineage", "value")
    return dict(rows)


def _recalculate(
    section: ReturnSection,
    previous: dict[Any, Decimal | None],
    values: list[MeasureValue] | None = None,
) -> list[MeasureValue]:
    """Work out each value's calculated RAG and direction, and the section's suggestion,
    from the values as they are in memory (``values``, or loaded from the database).

    Returns the values whose RAG or direction changed (the caller saves them)."""
    if values is None:
        values = list(section.values.select_related("measure"))
    changed = []
    for mv in values:
        value = None if mv.no_data else mv.value
        prev = previous.get(mv.measure.lineage)
        rag = calculate_rag(
            value=value,
            target=mv.target,
            previous=prev,
            polarity=mv.measure.polarity,
            tolerance_percent=mv.measure.tolerance_percent,
        )
        direction = direction_of_travel(value, prev, mv.measure.polarity)
        rag_value = rag.value if rag else ""
        if (mv.calculated_rag, mv.direction) != (rag_value, direction.value):
            mv.calculated_rag, mv.direction = rag_value, direction.value
            changed.append(mv)
    suggestion = suggest_overall(mv.calculated_rag for mv in values)
    section.suggested_rag = suggestion.value if suggestion else ""
    section._values_cache = values
    return changed


def preview_rag(*, section: ReturnSection, values: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """The RAG the officer's unsaved input would give, with the same rules as saving.

    ``values`` maps MeasureValue id -> {"value": Decimal|None, "no_data": bool}.
    Returns {"values": {id: (rag, direction)}, "suggested": rag}. Writes nothing."""
    previous = previous_values(section.performance_return)
    result: dict[int, tuple[str, str]] = {}
    for mv in section.values.select_related("measure"):
        entered = values.get(mv.pk, {})
        value = None if entered.get("no_data") else entered.get("value", mv.value)
        prev = previous.get(mv.measure.lineage)
        rag = calculate_rag(
            value=value,
            target=mv.target,
            previous=prev,
            polarity=mv.measure.polarity,
            tolerance_percent=mv.measure.tolerance_percent,
        )
        direction = direction_of_travel(value, prev, mv.measure.polarity)
        result[mv.pk] = (rag.value if rag else "", direction.value)
    suggestion = suggest_overall(r for r, _d in result.values())
    return {"values": result, "suggested": suggestion.value if suggestion else ""}


# Saving a section -------------------------------------------------------------------


def _validate_value(mv: MeasureValue) -> dict[str, str]:
    errors = {}
    if mv.no_data:
        if mv.value is not None:
            errors["value"] = _(
                "Either enter a value or tick \u201cNo data available\u201d, not both"
            )
        if not mv.no_data_reason.strip():
            errors["no_data_reason"] = _("Say why there is no data for %(measure)s") % {
                "measure": mv.measure.code
            }
    return errors


@transaction.atomic
def return_section_save(
    *,
    section: ReturnSection,
    revision: int,
    fields: dict[str, Any],
    values: dict[int, dict[str, Any]],
    by: User,
) -> ReturnSection:
    """Save one section of a draft return.

    ``revision`` is the section revision the person's page was built from. If anyone
    has saved the section since, ConcurrentEditError is raised and nothing changes.
    ``values`` maps MeasureValue id -> the VALUE_FIELDS entered for it.
    Field errors come back as a ValidationError keyed "field" or "value-<id>-<field>".
    """
    ret = (
        PerformanceReturn.objects.select_for_update()
        .select_related("partnership", "period")
        .get(pk=section.performance_return_id)
    )
    can_edit_return(by, ret).raise_if_denied()
    claimed = ReturnSection.objects.filter(pk=section.pk, revision=revision).update(
        revision=F("revision") + 1
    )
    if not claimed:
        latest = ReturnSection.objects.select_related("updated_by").get(pk=section.pk)
        who = latest.updated_by.name if latest.updated_by else _("someone else")
        raise ConcurrentEditError(
            _(
                "%(who)s saved this section at %(time)s, after you opened it. Your changes have not been saved. "
                "They are still on this page: copy anything you need, then reload the page to see the latest version."
            )
            % {"who": who, "time": timezone.localtime(latest.updated_at).strftime("%H:%M")},
            code="stale",
        )
    section.performance_return = ret
    for name in SECTION_FIELDS:
        if name in fields:
            setattr(section, name, fields[name] if fields[name] is not None else "")

    errors: dict[str, str] = {}
    dirty: dict[int, MeasureValue] = {}
    rows = list(section.values.select_related("measure"))
    for mv in rows:
        entered = values.get(mv.pk)
        if entered is None:
            continue
        for name in VALUE_FIELDS:
            if name in entered:
                new = entered[name]
                if name in ("note", "no_data_reason") and new is None:
                    new = ""
                if getattr(mv, name) != new:
                    setattr(mv, name, new)
                    dirty[mv.pk] = mv
        for name, message in _validate_value(mv).items():
            errors[f"value-{mv.pk}-{name}"] = message

    # The RAG is worked out from what is being saved, then each changed value is saved
    # once, so its history row carries the person and the whole change.
    for mv in _recalculate(section, previous_values(ret), rows):
        dirty[mv.pk] = mv
    if not errors:
        for mv in dirty.values():
            mv._history_user = by
            mv.save(update_fields=[*VALUE_FIELDS, "calculated_rag", "direction", "updated_at"])

    # An empty statement, or the standard statement of another colour (left over from an
    # earlier choice), becomes the standard statement of the colour chosen.
    statement = section.rag_statement.strip()
    if section.assessed_rag and (not statement or statement in DEFAULT_RAG_STATEMENTS.values()):
        section.rag_statement = _default_statement(section.assessed_rag)
    if section.disagrees and not section.rag_justification.strip():
        errors["rag_justification"] = _(
            "Explain why your assessment (%(assessed)s) differs from what the measures suggest (%(suggested)s)"
        ) % {
            "assessed": Rag(section.assessed_rag).label,
            "suggested": Rag(section.suggested_rag).label,
        }
    if errors:
        raise ValidationError(errors)
    section.revision = revision + 1
    section.updated_by = by
    section.full_clean()
    section._history_user = by
    section.save()
    # The return's updated_at is the version of everything shown from it (cached pages
    # key on it); an UPDATE, so the return's own history is not cluttered by every save.
    PerformanceReturn.objects.filter(pk=ret.pk).update(updated_at=timezone.now())
    return section


def _default_statement(rag: str) -> str:
    return DEFAULT_RAG_STATEMENTS[Rag(rag)]


# Completeness -----------------------------------------------------------------------


def section_problems(
    section: ReturnSection, values: list[MeasureValue] | None = None
) -> list[tuple[str, str]]:
    """What stops a section from being submitted: (field, message) pairs."""
    values = values if values is not None else list(section.values.select_related("measure"))
    problems: list[tuple[str, str]] = []
    for mv in values:
        if not mv.is_answered:
            problems.append(
                (
                    f"value-{mv.pk}-value",
                    _("Enter a value for %(code)s %(title)s, or say why there is no data")
                    % {"code": mv.measure.code, "title": mv.measure.title},
                )
            )
    questions = {
        "summary": _("Enter the summary narrative"),
        "milestones_reached": _("Say which milestones have been reached"),
        "milestones_missed": _("Say whether any milestones have been missed"),
        "prospects": _("Describe the prospects and risks for this priority"),
    }
    for name, message in questions.items():
        if not getattr(section, name).strip():
            problems.append((name, message))
    if not section.assessed_rag:
        problems.append(("assessed_rag", _("Choose the overall traffic light assessment")))
    elif section.disagrees and not section.rag_justification.strip():
        problems.append(
            (
                "rag_justification",
                _("Explain why your assessment differs from what the measures suggest"),
            )
        )
    return problems


def section_status(section: ReturnSection, values: list[MeasureValue] | None = None) -> str:
    """For the task list: "completed", "in_progress" or "not_started"."""
    if not section_problems(section, values):
        return "completed"
    values = values if values is not None else list(section.values.all())
    touched = (
        any(mv.value is not None or mv.no_data for mv in values)
        or any(
            getattr(section, f).strip()
            for f in ("summary", "milestones_reached", "milestones_missed", "prospects")
        )
        or section.assessed_rag
    )
    return "in_progress" if touched else "not_started"


# Workflow ---------------------------------------------------------------------------
# The return's transitions, declared once (csp_portal.lib.workflow applies them under a
# row lock and records each as a ReturnEvent); the rules are in performance.permissions.


def _check_complete(step: Step) -> None:
    """Submit: work out the RAG again from what is saved, then refuse while any section
    has a problem (the writes roll back with the refusal)."""
    ret = step.obj
    previous = previous_values(ret)
    problems: list[str] = []
    for section in ret.sections.select_related("priority").order_by("order"):
        for mv in _recalculate(section, previous):
            mv.save(update_fields=["calculated_rag", "direction", "updated_at"])
        section.save(update_fields=["suggested_rag", "updated_at"])
        for _field, message in section_problems(section, section._values_cache):
            problems.append(f"{section.priority.code}: {message}")
    if problems:
        raise ValidationError(problems, code="incomplete")


def _keep_version(step: Step) -> None:
    """Submit: keep the return as it is now as the next numbered version."""
    ret = step.obj
    number = (ret.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    step.event_fields["version"] = ReturnVersion.objects.create(
        performance_return=ret, number=number, submitted_by=step.by, content=return_snapshot(ret)
    )


RETURN_WORKFLOW = Workflow(
    model=PerformanceReturn,
    event_model=ReturnEvent,
    event_object="performance_return",
    lock_related=("partnership", "period"),
    transitions=[
        Transition(
            "submit",
            source=[Status.DRAFT],
            target=Status.SUBMITTED,
            rule=can_submit_return,
            event=ReturnEvent.Kind.SUBMITTED,
            stamp="submitted_at",
            person="submitted_by",
            validate=_check_complete,
            effect=_keep_version,
        ),
        Transition(
            "send_back",
            label="return",
            source=[Status.SUBMITTED],
            target=Status.DRAFT,
            rule=can_send_back_return,
            event=ReturnEvent.Kind.RETURNED,
            comment=gettext_lazy("Say what needs to change before the return can be approved"),
        ),
        Transition(
            "approve",
            source=[Status.SUBMITTED],
            target=Status.APPROVED,
            rule=can_approve_return,
            event=ReturnEvent.Kind.APPROVED,
            stamp="approved_at",
            person="approved_by",
            clear=("open_query",),
        ),
        Transition(
            "query",
            source=[Status.APPROVED],
            target=Status.DRAFT,
            rule=can_query_return,
            event=ReturnEvent.Kind.QUERIED,
            comment=gettext_lazy("Enter your query"),
            # The return shows the query until it is approved again.
            event_link="open_query",
        ),
    ],
)


def _lock(ret: PerformanceReturn) -> PerformanceReturn:
    return RETURN_WORKFLOW.lock(ret)


def performance_return_submit(
    *, performance_return: PerformanceReturn, by: User
) -> PerformanceReturn:
    return RETURN_WORKFLOW.apply("submit", performance_return, by=by)


def performance_return_send_back(
    *, performance_return: PerformanceReturn, by: User, comment: str
) -> PerformanceReturn:
    return RETURN_WORKFLOW.apply("send_back", performance_return, by=by, comment=comment)


def performance_return_approve(
    *, performance_return: PerformanceReturn, by: User, comment: str = ""
) -> PerformanceReturn:
    return RETURN_WORKFLOW.apply("approve", performance_return, by=by, comment=comment)


def performance_return_query(
    *, performance_return: PerformanceReturn, by: User, comment: str
) -> PerformanceReturn:
    """The PCC office queries an approved return: it reopens as a draft with the query attached."""
    return RETURN_WORKFLOW.apply("query", performance_return, by=by, comment=comment)


# Uploading measure values -------------------------------------------------------------
# (performance.uploads reads and checks the file; this applies it.)

if TYPE_CHECKING:
    from performance.uploads import ValidatedUpload


def _stale_upload_message(section: ReturnSection) -> str:
    latest = ReturnSection.objects.select_related("updated_by").get(pk=section.pk)
    who = latest.updated_by.name if latest.updated_by else "Someone else"
    return (
        f"{who} saved priority {section.priority.code} at "
        f"{timezone.localtime(latest.updated_at):%H:%M on %-d %B %Y}, after the template "
        "in this file was downloaded. Nothing has been uploaded, so their changes are "
        "safe. Download the template again, copy your values into it and upload that."
    )


@transaction.atomic
def measure_values_upload(
    *, performance_return: PerformanceReturn, upload: ValidatedUpload, by: User
) -> list[ReturnSection]:
    """Apply a valid upload: one return_section_save per section, in one transaction, so
    the RAG is recalculated, history is kept and each section's optimistic lock holds;
    nothing is applied unless everything is.

    Raises PermissionDenied (the return is no longer a draft, or the person cannot edit
    it), ConcurrentEditError (a section was saved after the template was made) or
    ValidationError (the service refused the values)."""
    if upload.errors:
        raise ValidationError("The upload has problems, so nothing was applied")
    saved = []
    sections = {
        s.pk: s
        for s in ReturnSection.objects.select_related("priority").filter(
            performance_return=performance_return, pk__in=list(upload.updates)
        )
    }
    for section_id, (revision, values) in sorted(
        upload.updates.items(), key=lambda item: sections[item[0]].order
    ):
        section = sections[section_id]
        try:
            saved.append(
                return_section_save(
                    section=section, revision=revision, fields={}, values=values, by=by
                )
            )
        except ConcurrentEditError as exc:
            raise ConcurrentEditError(_stale_upload_message(section), code="stale") from exc
        except ValidationError as exc:
            messages = (
                exc.messages
                if not hasattr(exc, "error_dict")
                else [m for ms in exc.message_dict.values() for m in ms]
            )
            raise ValidationError(
                [f"Priority {section.priority.code}: {m}" for m in messages]
            ) from exc
    return saved
