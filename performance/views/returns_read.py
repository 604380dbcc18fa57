"""Reading returns: the partnership's list of returns, a return laid out as the Norfolk
return with its history, and its submitted versions compared."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from accounts.roles import Capability
from csp_portal.lib.access import access_for, get_partnership_for_user
from csp_portal.lib.fragments import cached
from csp_portal.lib.spreadsheets import csv_response
from performance import selectors
from performance.forms import QUESTIONS, CompareForm, ReturnFilterForm
from performance.models import PerformanceReturn, Rag, ReturnEvent
from performance.permissions import PARTNERSHIP, can_start_return, history_audience
from performance.presentation import status_tag
from performance.snapshots import SECTION_LABELS, VALUE_LABELS, diff_versions
from performance.views.returns_common import get_return, return_context


def _with(request: HttpRequest, **params: str) -> str:
    """The page's query string with some parameters set (the filters are kept)."""
    query = request.GET.copy()
    for name, value in params.items():
        query[name] = value
    return query.urlencode()


def return_list(request: HttpRequest, partnership: str) -> HttpResponse:
    partnership_obj = get_partnership_for_user(request, partnership, Capability.VIEW_PUBLISHED)
    access = access_for(request.user)
    years = selectors.return_years(user=request.user, partnership=partnership_obj)
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
                    status_tag(r)[0],
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


# Reading a return ---------------------------------------------------------------------


def return_detail(request: HttpRequest, partnership: str, code: Any) -> HttpResponse:
    ret = get_return(request, partnership, code, people=False)
    # Which steps and comments of the history this person reads (the partnership's own
    # members, the PCC office, other readers of published returns): part of the key.
    audience = history_audience(request.user, ret)

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
            "events": render_to_string(
                "performance/returns/_events.html",
                {
                    "history": selectors.return_history(
                        user=request.user, performance_return=ret, events=events
                    ),
                    "working_papers_left_out": audience != PARTNERSHIP,
                },
            ),
            "returned": selectors.last_returned_event(events),
            "has_versions": any(e.kind == ReturnEvent.Kind.SUBMITTED for e in events),
            # Who submitted and approved it, and the open query: they change only with a
            # workflow step, which moves updated_at on too.
            "people": (ret.submitted_by, ret.approved_by, ret.open_query),
        }

    # The priorities (laid out as the Norfolk return) and the history come from the
    # cache until the return changes: every save and workflow step moves its updated_at.
    page = cached("return-detail", f"{ret.pk}@{ret.updated_at.timestamp()}|{audience}", build)
    ret.submitted_by, ret.approved_by, ret.open_query = page["people"]
    return render(
        request,
        "performance/returns/detail.html",
        return_context(
            request,
            ret,
            sections_html=mark_safe(page["sections"]),  # noqa: S308 - rendered by the template engine
            events_html=mark_safe(page["events"]),  # noqa: S308 - rendered by the template engine
            returned=page["returned"],
            has_versions=page["has_versions"],
        ),
    )


# Versions -------------------------------------------------------------------------------


def return_versions(request: HttpRequest, partnership: str, code: Any) -> HttpResponse:
    ret = get_return(request, partnership, code, Capability.VIEW_WORKING_PAPERS)
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
        return_context(request, ret, versions=versions, compare_form=compare_form),
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
    ret = get_return(request, partnership, code, Capability.VIEW_WORKING_PAPERS)
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
        return_context(
            request,
            ret,
            form=form,
            changes=changes,
            before=before,
            after=after,
        ),
    )
