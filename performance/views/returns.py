"""The quarterly return pages: list, start, read, fill in (task list, one page per
priority, live RAG preview), submit, sign off, query, versions.

Views parse the request, call one service or selector and render. The rules live in
performance.permissions and performance.services; the pages only decide which buttons to
show and where to go next.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import Capability
from csp_portal.lib.access import access_for, get_object_for_user, get_partnership_for_user, require
from csp_portal.lib.downloads import csv_response
from csp_portal.lib.fragments import cached
from performance import selectors
from performance.forms import (
    QUESTIONS,
    CompareForm,
    MeasureValueForm,
    QueryForm,
    ReturnFilterForm,
    SectionForm,
    SignOffForm,
    StartReturnForm,
)
from performance.models import (
    DEFAULT_RAG_STATEMENTS,
    PerformanceReturn,
    Rag,
    ReturnEvent,
    ReturnSection,
)
from performance.permissions import (
    can_approve_return,
    can_edit_return,
    can_query_return,
    can_send_back_return,
    can_start_return,
    can_submit_return,
    can_view_return,
)
from performance.services import (
    ConcurrentEditError,
    performance_return_approve,
    performance_return_query,
    performance_return_send_back,
    performance_return_start,
    performance_return_submit,
    preview_rag,
    reporting_period_get,
    return_section_save,
    section_problems,
    section_status,
)
from performance.snapshots import SECTION_LABELS, VALUE_LABELS, diff_versions

Status = PerformanceReturn.Status

SECTION_STATUS_LABELS = {
    "completed": "Completed",
    "in_progress": "In progress",
    "not_started": "Not started",
}


# Helpers ------------------------------------------------------------------------------


def _get_return(
    request: HttpRequest,
    partnership: str,
    code: Any,
    capability: str | None = None,
    *,
    people: bool = True,
) -> PerformanceReturn:
    """The return, if the person may see it: 404 without standing in the partnership,
    403 for a draft they may not see or a capability they lack."""
    ret = get_object_for_user(
        request,
        selectors.return_queryset().filter(partnership__slug=partnership),
        Capability.VIEW_PUBLISHED,
        code=code,
    )
    can_view_return(request.user, ret).raise_if_denied()
    if people:
        selectors.attach_people(ret)
    if capability:
        require(request.user, capability, ret.partnership)
    return ret


def _context(request: HttpRequest, ret: PerformanceReturn, **extra: Any) -> dict[str, Any]:
    user = request.user
    access = access_for(user)
    return {
        "partnership": ret.partnership,
        "capabilities": access.capabilities(ret.partnership),
        "ret": ret,
        "can_edit": can_edit_return(user, ret).allowed,
        "can_submit": can_submit_return(user, ret).allowed,
        "can_approve": can_approve_return(user, ret),
        "can_send_back": can_send_back_return(user, ret).allowed,
        "can_query": can_query_return(user, ret).allowed,
        "can_see_versions": access.has(Capability.VIEW_WORKING_PAPERS, ret.partnership),
        **extra,
    }


def _detail_url(ret: PerformanceReturn) -> str:
    return reverse(
        "performance:return_detail", kwargs={"partnership": ret.partnership.slug, "code": ret.code}
    )


def _tasks_url(ret: PerformanceReturn) -> str:
    return reverse(
        "performance:return_tasks", kwargs={"partnership": ret.partnership.slug, "code": ret.code}
    )


def _section_url(ret: PerformanceReturn, section: ReturnSection | str) -> str:
    """The form of a section (or of the section with this priority code)."""
    return reverse(
        "performance:return_section",
        kwargs={
            "partnership": ret.partnership.slug,
            "code": ret.code,
            "priority": section if isinstance(section, str) else section.priority.code,
        },
    )


def _not_editable(request: HttpRequest, ret: PerformanceReturn) -> HttpResponse | None:
    """Send people to the read view, with the reason, once a return is no longer a draft."""
    decision = can_edit_return(request.user, ret)
    if decision.allowed:
        return None
    messages.info(request, decision.reason)
    return redirect(_detail_url(ret))


def _problem_anchor(field: str) -> str:
    """The id of the input a section_problems() entry points at."""
    if field == "assessed_rag":
        return "id_assessed_rag_0"
    return f"id_{field}"


# The list and starting a return -----------------------------------------------------------


def _with(request: HttpRequest, **params: str) -> str:
    """The page's query string with some parameters set (the filters are kept)."""
    query = request.GET.copy()
    for name, value in params.items():
        query[name] = value
    return query.urlencode()


def return_list(request: HttpRequest, partnership: str) -> HttpResponse:
    partnership_obj = get_partnership_for_user(request, partnership, Capability.VIEW_PUBLISHED)
    access = access_for(request.user)
    years = selectors.return_years(partnership=partnership_obj)
    filter_form = ReturnFilterForm(request.GET or None, years=years)
    filters = (
        filter_form.filters()
        if filter_form.is_bound
        else {"status": "", "financial_year": None, "sort": "-period"}
    )
    returns = list(
        selectors.return_list_for_user(user=request.user, partnership=partnership_obj, **filters)
    )
    if request.GET.get("format") == "csv":
        return csv_response(
            f"{partnership_obj.slug}-returns.csv",
            ["Period", "Status", "Due by", "Overdue", "Submitted", "Approved"],
            (
                [
                    r.period.label,
                    r.get_status_display(),
                    r.period.submission_deadline.isoformat(),
                    "Overdue" if r.is_overdue() else "",
                    timezone.localtime(r.submitted_at).date().isoformat() if r.submitted_at else "",
                    timezone.localtime(r.approved_at).date().isoformat()
                    if r.approved_at and r.status == PerformanceReturn.Status.APPROVED
                    else "",
                ]
                for r in returns
            ),
        )
    can_start = can_start_return(request.user, partnership_obj).allowed
    startable = selectors.startable_periods(partnership=partnership_obj) if can_start else []
    return render(
        request,
        "performance/returns/list.html",
        {
            "partnership": partnership_obj,
            "capabilities": access.capabilities(partnership_obj),
            "returns": returns,
            "filter_form": filter_form,
            "sort": filters["sort"],
            # Sorting by period flips between newest and oldest first, keeping the filters.
            "sort_query": _with(
                request, sort="period" if filters["sort"] == "-period" else "-period"
            ),
            "csv_query": _with(request, format="csv"),
            "working_papers": access.has(Capability.VIEW_WORKING_PAPERS, partnership_obj),
            "can_start": can_start,
            "startable": startable,
        },
    )


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
            form.add_error("period", exc.messages)
        else:
            messages.success(request, f"You have started the {period.label} return.")
            return redirect(_tasks_url(ret))
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


# Reading a return ---------------------------------------------------------------------


def return_detail(request: HttpRequest, partnership: str, code: Any) -> HttpResponse:
    ret = _get_return(request, partnership, code, people=False)

    def build() -> dict[str, Any]:
        selectors.attach_people(ret)
        sections = selectors.return_sections(performance_return=ret)
        for section in sections:
            section.answers = [(label, getattr(section, name)) for name, label, _hint in QUESTIONS]
        events = selectors.return_events(performance_return=ret)
        return {
            "sections": render_to_string(
                "performance/returns/_sections.html", {"ret": ret, "sections": sections}
            ),
            "events": render_to_string("performance/returns/_events.html", {"events": events}),
            "returned": selectors.last_returned_event(events),
            "has_versions": any(e.kind == ReturnEvent.Kind.SUBMITTED for e in events),
            # Who submitted and approved it, and the open query: they change only with a
            # workflow step, which moves updated_at on too.
            "people": (ret.submitted_by, ret.approved_by, ret.open_query),
        }

    # The priorities (laid out as the Norfolk return) and the history come from the
    # cache until the return changes: every save and workflow step moves its updated_at.
    page = cached("return-detail", f"{ret.pk}@{ret.updated_at.timestamp()}", build)
    ret.submitted_by, ret.approved_by, ret.open_query = page["people"]
    return render(
        request,
        "performance/returns/detail.html",
        _context(
            request,
            ret,
            sections_html=mark_safe(page["sections"]),  # noqa: S308 - rendered by the template engine
            events_html=mark_safe(page["events"]),  # noqa: S308 - rendered by the template engine
            returned=page["returned"],
            has_versions=page["has_versions"],
        ),
    )


# Filling in a return ------------------------------------------------------------------


def return_tasks(request: HttpRequest, partnership: str, code: Any) -> HttpResponse:
    ret = _get_return(request, partnership, code, Capability.CONTRIBUTE)
    if response := _not_editable(request, ret):
        return response
    sections = selectors.return_sections(performance_return=ret)
    tasks = [
        {
            "section": section,
            "url": _section_url(ret, section),
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
        _context(
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
    """Put the service's errors next to the fields they are about."""
    by_prefix = {form.prefix: form for form in value_forms}
    if not hasattr(exc, "error_dict"):
        section_form.add_error(None, exc.messages)
        return
    for key, messages_ in exc.message_dict.items():
        if key.startswith("value-"):
            prefix, _sep, field = key.rpartition("-")
            form = by_prefix.get(prefix)
            if form is not None and field in form.fields:
                form.add_error(field, messages_)
                continue
        target = key if key in section_form.fields else None
        section_form.add_error(target, messages_)


@require_http_methods(["GET", "POST"])
def return_section(
    request: HttpRequest, partnership: str, code: Any, priority: str
) -> HttpResponse:
    ret = _get_return(request, partnership, code, Capability.CONTRIBUTE)
    if request.method == "GET" and (response := _not_editable(request, ret)):
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
        _context(
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
        return redirect(_section_url(ret, sections[position + 1]))
    return redirect(_tasks_url(ret))


@require_POST
def return_section_preview(
    request: HttpRequest, partnership: str, code: Any, priority: str
) -> HttpResponse:
    """The RAG the typed values would give (htmx, as the officer types). Same rules as
    saving; writes nothing."""
    ret = _get_return(request, partnership, code, Capability.CONTRIBUTE)
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
    ret = _get_return(request, partnership, code, Capability.CONTRIBUTE)
    if response := _not_editable(request, ret):
        return response
    errors: list[str] = []
    if request.method == "POST":
        try:
            performance_return_submit(performance_return=ret, by=request.user)
        except ValidationError as exc:
            errors = exc.messages
        except PermissionDenied as exc:
            messages.info(request, str(exc))
            return redirect(_detail_url(ret))
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
        url = _section_url(ret, section)
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
        _context(
            request,
            ret,
            checks=checks,
            errors=errors,
            ready=not any(c["problems"] for c in checks),
        ),
    )


def return_submitted(request: HttpRequest, partnership: str, code: Any) -> HttpResponse:
    ret = _get_return(request, partnership, code, Capability.CONTRIBUTE)
    if ret.status == Status.DRAFT:
        return redirect(_tasks_url(ret))
    return render(
        request,
        "performance/returns/submitted.html",
        _context(
            request,
            ret,
            is_manager=access_for(request.user).has(Capability.SIGN_OFF, ret.partnership),
        ),
    )


# Signing off and querying ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def return_sign_off(request: HttpRequest, partnership: str, code: Any) -> HttpResponse:
    ret = _get_return(request, partnership, code, Capability.SIGN_OFF)
    send_back = can_send_back_return(request.user, ret)
    if not send_back:
        messages.info(request, send_back.reason)
        return redirect(_detail_url(ret))
    approve = can_approve_return(request.user, ret)
    form = SignOffForm(request.POST or None, cannot_approve=approve.reason)
    if request.method == "POST" and form.is_valid():
        comment = form.cleaned_data["comment"]
        try:
            if form.cleaned_data["decision"] == SignOffForm.APPROVE:
                performance_return_approve(performance_return=ret, by=request.user, comment=comment)
                done = f"You have approved the {ret.period.label} return."
            else:
                performance_return_send_back(
                    performance_return=ret, by=request.user, comment=comment
                )
                done = f"You have returned the {ret.period.label} return to the officers with your comments."
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect(_detail_url(ret))
    sections = selectors.return_sections(performance_return=ret)
    return render(
        request,
        "performance/returns/sign_off.html",
        _context(request, ret, form=form, sections=sections, approve=approve),
    )


@require_http_methods(["GET", "POST"])
def return_query(request: HttpRequest, partnership: str, code: Any) -> HttpResponse:
    ret = _get_return(request, partnership, code, Capability.QUERY_RETURNS)
    decision = can_query_return(request.user, ret)
    if not decision:
        messages.info(request, decision.reason)
        return redirect(_detail_url(ret))
    form = QueryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ret = performance_return_query(
                performance_return=ret, by=request.user, comment=form.cleaned_data["comment"]
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Your query has been sent. The {ret.period.label} return is open again for "
                f"{ret.partnership.name} to answer it.",
            )
            # Reopened, the return is a working paper again: people who read only published
            # returns see it once it has been signed off again.
            if can_view_return(request.user, ret):
                return redirect(_detail_url(ret))
            return redirect(
                reverse("performance:return_list", kwargs={"partnership": ret.partnership.slug})
            )
    return render(request, "performance/returns/query.html", _context(request, ret, form=form))


# Versions -------------------------------------------------------------------------------


def return_versions(request: HttpRequest, partnership: str, code: Any) -> HttpResponse:
    ret = _get_return(request, partnership, code, Capability.VIEW_WORKING_PAPERS)
    versions = selectors.return_versions(performance_return=ret)
    numbers = [v.number for v in versions]
    compare_form = CompareForm(
        initial={
            "from_": numbers[-2] if len(numbers) > 1 else None,
            "to": numbers[-1] if numbers else None,
        },
        numbers=numbers,
    )
    return render(
        request,
        "performance/returns/versions.html",
        _context(request, ret, versions=versions, compare_form=compare_form),
    )


_RAG_LABELS = {
    SECTION_LABELS["assessed_rag"],
    SECTION_LABELS["suggested_rag"],
    VALUE_LABELS["calculated_rag"],
}


def _shown(label: str, value: Any) -> str:
    if value is None or value == "":
        return "Not given"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if label in _RAG_LABELS:
        try:
            return str(Rag(value).label)
        except ValueError:
            return str(value)
    return str(value)


def _accessible_diff(diff: SafeString) -> SafeString:
    """Say "removed"/"added" in words too: screen readers do not announce <del>/<ins>."""
    html = str(diff)
    html = html.replace(
        "<del>", '<del><span class="govuk-visually-hidden">[removed: </span>'
    ).replace("</del>", '<span class="govuk-visually-hidden">]</span></del>')
    html = html.replace(
        "<ins>", '<ins><span class="govuk-visually-hidden">[added: </span>'
    ).replace("</ins>", '<span class="govuk-visually-hidden">]</span></ins>')
    return mark_safe(html)  # noqa: S308 - diff_versions escapes every word it wraps


def return_compare(request: HttpRequest, partnership: str, code: Any) -> HttpResponse:
    ret = _get_return(request, partnership, code, Capability.VIEW_WORKING_PAPERS)
    versions = {v.number: v for v in selectors.return_versions(performance_return=ret)}
    form = CompareForm(request.GET or None, numbers=list(versions))
    changes = None
    before = after = None
    if form.is_bound and form.is_valid():
        before, after = versions[form.cleaned_data["from_"]], versions[form.cleaned_data["to"]]
        if before.number == after.number:
            form.add_error("to", "Choose two different versions to compare")
        else:
            changes = [
                {
                    "where": change.where,
                    "field": change.field,
                    "before": _shown(change.field, change.before),
                    "after": _shown(change.field, change.after),
                    "diff": _accessible_diff(change.inline_diff) if change.is_text else None,
                }
                for change in diff_versions(before.content, after.content)
            ]
    return render(
        request,
        "performance/returns/compare.html",
        _context(
            request,
            ret,
            form=form,
            changes=changes,
            before=before,
            after=after,
        ),
    )
