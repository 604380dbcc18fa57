"""Filling in a return: starting one, the task list, one page per priority with the
live RAG preview, and submitting it for sign-off."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import Capability
from csp_portal.lib.access import access_for, get_partnership_for_user
from csp_portal.lib.forms import apply_validation_error
from performance import selectors
from performance.forms import QUESTIONS, MeasureValueForm, SectionForm, StartReturnForm
from performance.models import DEFAULT_RAG_STATEMENTS, PerformanceReturn, Rag, ReturnSection
from performance.permissions import can_edit_return
from performance.services import (
    ConcurrentEditError,
    performance_return_start,
    performance_return_submit,
    preview_rag,
    reporting_period_get,
    return_section_save,
    section_problems,
    section_status,
)
from performance.views.returns_common import (
    detail_url,
    get_return,
    not_editable,
    return_context,
    section_url,
    tasks_url,
)

Status = PerformanceReturn.Status

SECTION_STATUS_LABELS = {
    "completed": "Completed",
    "in_progress": "In progress",
    "not_started": "Not started",
}


def _problem_anchor(field: str) -> str:
    """The id of the input a section_problems() entry points at."""
    if field == "assessed_rag":
        return "id_assessed_rag_0"
    return f"id_{field}"


@require_http_methods(["GET", "POST"])
def return_start(request: HttpRequest, partnership: str) -> HttpResponse:
    partnership_obj = get_partnership_for_user(request, partnership, Capability.CONTRIBUTE)
    periods = selectors.startable_periods(partnership=partnership_obj)
    form = StartReturnForm(request.POST or None, periods=periods)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["period"]
        period = reporting_period_get(financial_year=chosen.financial_year, quarter=chosen.quarter)
        try:
            ret = performance_return_start(
                partnership=partnership_obj, period=period, by=request.user
            )
        except ValidationError as exc:
            # The form asks only for the quarter, so every reason is shown next to it.
            apply_validation_error(form, ValidationError({"period": exc.messages}))
        else:
            messages.success(request, f"You have started the {period.label} return.")
            return redirect(tasks_url(ret))
    return render(
        request,
        "performance/returns/start.html",
        {
            "partnership": partnership_obj,
            "capabilities": access_for(request.user).capabilities(partnership_obj),
            "form": form,
            "periods": periods,
            "has_adopted_plan": partnership_obj.plans.filter(status="adopted").exists(),
        },
    )


def return_tasks(request: HttpRequest, partnership: str, code: Any) -> HttpResponse:
    ret = get_return(request, partnership, code, Capability.CONTRIBUTE)
    if response := not_editable(request, ret):
        return response
    sections = selectors.return_sections(performance_return=ret)
    tasks = [
        {
            "section": section,
            "url": section_url(ret, section),
            "status": section_status(section, section.rows),
        }
        for section in sections
    ]
    for task in tasks:
        task["status_label"] = SECTION_STATUS_LABELS[task["status"]]
    events = selectors.return_events(performance_return=ret)
    return render(
        request,
        "performance/returns/tasks.html",
        return_context(
            request,
            ret,
            tasks=tasks,
            completed=sum(t["status"] == "completed" for t in tasks),
            returned=selectors.last_returned_event(events),
        ),
    )


def _find_section(ret: PerformanceReturn, priority: str) -> tuple[ReturnSection, list[str]]:
    """The section, and the priority codes of every section of the return in order."""
    section, codes = selectors.return_section(performance_return=ret, priority_code=priority)
    if section is None:
        raise Http404("No such priority in this return")
    return section, codes


def _value_forms(section: ReturnSection, data: Any = None) -> list[MeasureValueForm]:
    label = section.performance_return.period.label
    return [MeasureValueForm(data, row=row, period_label=label) for row in section.rows]


def _rows(
    section: ReturnSection, value_forms: list[MeasureValueForm], preview: dict | None
) -> list[dict[str, Any]]:
    """Each measure row with its form and the RAG to show (saved, or previewed)."""
    rows = []
    for form in value_forms:
        mv = form.row
        rag, direction = (
            preview["values"].get(mv.pk, ("", "unknown"))
            if preview
            else (mv.calculated_rag, mv.direction)
        )
        rows.append({"form": form, "mv": mv, "rag": rag, "direction": direction})
    return rows


def _apply_errors(
    exc: ValidationError, section_form: SectionForm, value_forms: list[MeasureValueForm]
) -> None:
    """Put the service's errors next to the fields they are about: "value-<pk>-<field>"
    keys on that measure's row, everything else on the section's form."""
    by_prefix = {form.prefix: form for form in value_forms}
    rest: dict[str, list[str]] = {}
    for key, messages_ in (exc.message_dict if hasattr(exc, "error_dict") else {}).items():
        prefix, _sep, field = key.rpartition("-")
        form = by_prefix.get(prefix) if key.startswith("value-") else None
        if form is not None and field in form.fields:
            apply_validation_error(form, ValidationError({field: messages_}))
        else:
            rest[key] = messages_
    if not hasattr(exc, "error_dict"):
        apply_validation_error(section_form, exc)
    elif rest:
        apply_validation_error(section_form, ValidationError(rest))


@require_http_methods(["GET", "POST"])
def return_section(
    request: HttpRequest, partnership: str, code: Any, priority: str
) -> HttpResponse:
    ret = get_return(request, partnership, code, Capability.CONTRIBUTE)
    if request.method == "GET" and (response := not_editable(request, ret)):
        return response
    section, sections = _find_section(ret, priority)
    conflict = None
    preview = None
    if request.method == "POST":
        section_form = SectionForm(request.POST)
        value_forms = _value_forms(section, request.POST)
        # Validate every form, so every error is shown at once.
        values_valid = [f.is_valid() for f in value_forms]
        if section_form.is_valid() and all(values_valid):
            try:
                return_section_save(
                    section=section,
                    revision=section_form.cleaned_data["revision"],
                    fields=section_form.section_fields(),
                    values={f.row.pk: f.cleaned_data for f in value_forms},
                    by=request.user,
                )
            except ConcurrentEditError as exc:
                # Someone saved after this page was opened: refuse, keep everything typed,
                # and show what they saved.
                section_form.add_error(None, exc.messages)
                conflict, _sections = _find_section(ret, priority)
            except ValidationError as exc:
                _apply_errors(exc, section_form, value_forms)
            except PermissionDenied as exc:
                # The return was submitted or approved while this person was typing.
                section_form.add_error(None, str(exc) or "You can no longer change this return.")
            else:
                return _after_save(request, ret, section, sections)
        preview = preview_rag(
            section=section, values={f.row.pk: f.preview_values() for f in value_forms}
        )
    else:
        section_form = SectionForm(
            initial={
                "revision": section.revision,
                **{
                    name: getattr(section, name)
                    for name in SectionForm.base_fields
                    if name != "revision"
                },
            }
        )
        value_forms = _value_forms(section)
    position = sections.index(section.priority.code)
    suggested = preview["suggested"] if preview else section.suggested_rag
    return render(
        request,
        "performance/returns/section.html",
        return_context(
            request,
            ret,
            section=section,
            section_form=section_form,
            value_forms=value_forms,
            rows=_rows(section, value_forms, preview),
            suggested=suggested,
            questions=[section_form[name] for name, _label, _hint in QUESTIONS],
            assessments=[
                (value, label, DEFAULT_RAG_STATEMENTS[Rag(value)])
                for value, label in section_form.fields["assessed_rag"].choices
            ],
            conflict=conflict,
            conflict_rows=conflict.rows if conflict else [],
            position=position + 1,
            section_count=len(sections),
            preview_url=reverse(
                "performance:return_section_preview",
                kwargs={
                    "partnership": ret.partnership.slug,
                    "code": ret.code,
                    "priority": section.priority.code,
                },
            ),
            all_forms=[section_form, *value_forms],
        ),
    )


def _after_save(
    request: HttpRequest, ret: PerformanceReturn, section: ReturnSection, sections: list
) -> HttpResponse:
    label = f"Priority {section.priority.code}"
    if request.POST.get("action") == "later":
        messages.success(
            request,
            f"Your answers for {label} have been saved. You can come back to the return at any "
            f"time before it is submitted.",
        )
        return redirect(
            reverse("performance:return_list", kwargs={"partnership": ret.partnership.slug})
        )
    messages.success(request, f"Your answers for {label} have been saved.")
    position = sections.index(section.priority.code)
    if position + 1 < len(sections):
        return redirect(section_url(ret, sections[position + 1]))
    return redirect(tasks_url(ret))


@require_POST
def return_section_preview(
    request: HttpRequest, partnership: str, code: Any, priority: str
) -> HttpResponse:
    """The RAG the typed values would give (htmx, as the officer types). Same rules as
    saving; writes nothing."""
    ret = get_return(request, partnership, code, Capability.CONTRIBUTE)
    can_edit_return(request.user, ret).raise_if_denied()
    section, _sections = _find_section(ret, priority)
    value_forms = _value_forms(section, request.POST)
    preview = preview_rag(
        section=section, values={f.row.pk: f.preview_values() for f in value_forms}
    )
    # Only what changed is sent back, so screen readers announce only the new RAG.
    rows = _rows(section, value_forms, preview)
    for row in rows:
        row["changed"] = request.POST.get(f"shown-rag-{row['mv'].pk}") != (
            f"{row['rag']}/{row['direction']}"
        )
    return render(
        request,
        "performance/returns/_rag_preview.html",
        {
            "rows": rows,
            "suggested": preview["suggested"],
            "suggested_changed": request.POST.get("shown-suggested") != preview["suggested"],
        },
    )


# Submitting ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def return_submit(request: HttpRequest, partnership: str, code: Any) -> HttpResponse:
    ret = get_return(request, partnership, code, Capability.CONTRIBUTE)
    if response := not_editable(request, ret):
        return response
    errors: list[str] = []
    if request.method == "POST":
        try:
            performance_return_submit(performance_return=ret, by=request.user)
        except ValidationError as exc:
            errors = exc.messages
        except PermissionDenied as exc:
            messages.info(request, str(exc))
            return redirect(detail_url(ret))
        else:
            return redirect(
                reverse(
                    "performance:return_submitted",
                    kwargs={"partnership": ret.partnership.slug, "code": ret.code},
                )
            )
    sections = selectors.return_sections(performance_return=ret)
    checks = []
    for section in sections:
        url = section_url(ret, section)
        checks.append(
            {
                "section": section,
                "url": url,
                "problems": [
                    (f"{url}#{_problem_anchor(field)}", message)
                    for field, message in section_problems(section, section.rows)
                ],
            }
        )
    return render(
        request,
        "performance/returns/submit.html",
        return_context(
            request,
            ret,
            checks=checks,
            errors=errors,
            ready=not any(c["problems"] for c in checks),
        ),
    )


def return_submitted(request: HttpRequest, partnership: str, code: Any) -> HttpResponse:
    ret = get_return(request, partnership, code, Capability.CONTRIBUTE)
    if ret.status == Status.DRAFT:
        return redirect(tasks_url(ret))
    return render(
        request,
        "performance/returns/submitted.html",
        return_context(
            request,
            ret,
            is_manager=access_for(request.user).has(Capability.SIGN_OFF, ret.partnership),
        ),
    )
