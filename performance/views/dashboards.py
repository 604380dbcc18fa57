"""The partnership performance dashboard and the PCC force-area overview."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from accounts.roles import Capability
from csp_portal.lib.access import access_for, get_partnership_for_user
from csp_portal.lib.charts import Series, line_chart
from csp_portal.lib.fragments import cached, cached_fragment
from csp_portal.lib.numbers import format_number
from csp_portal.lib.spreadsheets import spreadsheet_response
from performance import exports
from performance.dashboard_selectors import Dashboard, MeasureTrend, dashboard_for, trend_summary
from performance.overview_selectors import (
    SORTS,
    force_areas_with_overview,
    overview_for,
    overview_version,
)
from performance.periods import parse_period, period_label, period_slug
from performance.permissions import can_edit_return, can_view_overview
from performance.presentation import STATUSES, rag_tag
from priorities.models import Measure

TARGET_COLOUR = "#0b0c0c"


def _chart(trend: MeasureTrend, index: int) -> str:
    unit = trend.measure.unit

    def axis_format(value: float) -> str:
        return format_number(value, unit)

    return line_chart(
        chart_id=f"trend-{index}",
        title=f"{trend.measure.code} {trend.measure.title}: value and target by quarter",
        description=trend.summary,
        labels=[p.short_label for p in trend.points],
        series=[
            Series("Value", [p.value for p in trend.points]),
            Series(
                "Target", [p.target for p in trend.points], style="dashed", colour=TARGET_COLOUR
            ),
        ],
        format_value=axis_format,
    )


def _table_rows(trend: MeasureTrend, working_papers: bool) -> list[dict]:
    unit = trend.measure.unit
    missing = {
        "no_return": "No return" if working_papers else "No approved return",
        "not_measured": "Not measured in this quarter",
    }
    rows = []
    for point in trend.points:
        if point.state == "value":
            value = format_number(point.value, unit) if point.value is not None else "No value"
        elif point.state == "no_data":
            value = f"No data: {point.no_data_reason}" if point.no_data_reason else "No data"
        else:
            value = missing[point.state]
        rows.append(
            {
                "label": point.label,
                "value": value,
                "target": format_number(point.target, unit) or "No target",
                "rag": rag_tag(point.rag) if point.state == "value" else None,
            }
        )
    return rows


def dashboard(request: HttpRequest, partnership: str) -> HttpResponse:
    partnership_obj = get_partnership_for_user(request, partnership, Capability.VIEW_PUBLISHED)
    access = access_for(request.user)
    requested = parse_period(request.GET.get("period"))
    data: Dashboard = dashboard_for(
        user=request.user, partnership=partnership_obj, period=requested
    )
    working_papers = access.has(Capability.VIEW_WORKING_PAPERS, partnership_obj)

    def build_priorities() -> str:
        index = 0
        for priority in data.priorities:
            for trend in priority.measures:
                index += 1
                trend.summary = trend_summary(trend)
                trend.chart = _chart(trend, index)
                trend.rows = _table_rows(trend, working_papers)
                trend.unit_label = Measure.Unit(trend.measure.unit).label
        return render_to_string(
            "performance/_dashboard_priorities.html",
            {"dashboard": data, "ret": data.chosen, "working_papers": working_papers},
        )

    # The priorities and charts come from the cache unless a return they show changed.
    priorities_html = (
        cached_fragment(
            "dashboard",
            f"{data.chosen.pk}|{working_papers}|{data.version}",
            build_priorities,
        )
        if data.chosen
        else ""
    )
    can_upload = bool(data.chosen and can_edit_return(request.user, data.chosen))
    return render(
        request,
        "performance/dashboard.html",
        {
            "partnership": partnership_obj,
            "capabilities": access.capabilities(partnership_obj),
            "dashboard": data,
            "working_papers": working_papers,
            "requested_label": period_label(requested) if requested else "",
            "can_upload": can_upload,
            "chosen_slug": data.chosen.period.slug if data.chosen else "",
            "priorities_html": priorities_html,
        },
    )


# The force-area overview ------------------------------------------------------------


def _force_area_for(request: HttpRequest, slug: str):
    from partnerships.models import ForceArea

    force_area = get_object_or_404(ForceArea, slug=slug)
    # Force areas are public reference data, so a person without the overview gets a
    # 403 with the reason rather than a 404.
    decision = can_view_overview(request.user, force_area)
    if not decision:
        raise PermissionDenied(decision.reason)
    return force_area


def _overview_filters(request: HttpRequest) -> dict:
    status = request.GET.get("status", "")
    sort = request.GET.get("sort", "name")
    return {
        "period": parse_period(request.GET.get("period")),
        "status": status if status in STATUSES else "",
        "overdue_only": request.GET.get("overdue") == "1",
        "sort": sort if sort in SORTS else "name",
    }


def _download_query(filters: dict, period_key: tuple[int, int]) -> str:
    """The download links' query string: the overview's own filters, as the page was
    built from them (never the request's other parameters)."""
    query = QueryDict(mutable=True)
    query["period"] = period_slug(period_key)
    if filters["status"]:
        query["status"] = filters["status"]
    if filters["overdue_only"]:
        query["overdue"] = "1"
    if filters["sort"] != "name":
        query["sort"] = filters["sort"]
    return query.urlencode()


def overview(request: HttpRequest, force_area: str) -> HttpResponse:
    force_area_obj = _force_area_for(request, force_area)
    filters = _overview_filters(request)

    def build() -> dict:
        data = overview_for(force_area=force_area_obj, **filters)
        context = {
            "overview": data,
            "force_area": force_area_obj,
            "filters": filters,
            "statuses": [(k, v[0]) for k, v in STATUSES.items()],
            "sorts": list(SORTS.items()),
            "filtered": bool(filters["status"] or filters["overdue_only"]),
            "deadline_passed": timezone.localdate() > data.period.submission_deadline,
        }
        return {
            "period_label": data.period.label,
            "period_key": data.key,
            "summary_html": render_to_string("performance/_overview_summary.html", context),
            "table_html": render_to_string("performance/_overview_table.html", context),
        }

    # The summary and the table come from the cache until a partnership, return or
    # deadline of the area changes (or the day does); the filters are part of the key.
    # What depends on the request alone (the download links) is built outside them.
    page = cached(
        "overview",
        f"{overview_version(force_area=force_area_obj)}|{sorted(filters.items())}",
        build,
    )
    return render(
        request,
        "performance/overview.html",
        {
            "force_area": force_area_obj,
            "period_label": page["period_label"],
            "summary_html": mark_safe(page["summary_html"]),  # noqa: S308 - rendered by the template engine
            "table_html": mark_safe(page["table_html"]),  # noqa: S308 - rendered by the template engine
            "download_query": _download_query(filters, page["period_key"]),
        },
    )


def overview_download(request: HttpRequest, force_area: str, fmt: str) -> HttpResponse:
    force_area_obj = _force_area_for(request, force_area)
    data = overview_for(force_area=force_area_obj, **_overview_filters(request))
    body = exports.overview_csv(data) if fmt == "csv" else exports.overview_xlsx(data)
    return spreadsheet_response(body, fmt, exports.overview_filename(data, fmt))


def force_areas(request: HttpRequest) -> HttpResponse:
    """Where the "Force area overview" navigation item leads: the person's force area,
    or a choice when they review more than one."""
    areas = list(force_areas_with_overview(user=request.user))
    if not areas:
        raise PermissionDenied(
            "Only the Police and Crime Commissioner's office can see the force-area overview."
        )
    if len(areas) == 1:
        return redirect("performance:overview", force_area=areas[0].slug)
    return render(request, "performance/overview.html", {"areas": areas, "choose": True})
