"""The partnership directory, a partnership's page, and its change history."""

from __future__ import annotations

from django.apps import apps
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.roles import Capability
from csp_portal.lib.access import access_for, get_partnership_for_user
from csp_portal.lib.history import partnership_history
from csp_portal.lib.spreadsheets import csv_response
from partnerships.permissions import can_view_change_history
from partnerships.selectors import (
    DIRECTORY_SORTS,
    force_areas_for_user,
    partnership_detail,
    partnership_list_for_user,
)

DIRECTORY_PAGE_SIZE = 50
HISTORY_PAGE_SIZE = 50


_SORT_LABELS = {"force_area": "Police force area", "name": "Name", "tier": "Tier"}


def directory(request: HttpRequest) -> HttpResponse:
    force_area = request.GET.get("force_area", "").strip()
    search = request.GET.get("q", "").strip()[:100]
    sort = request.GET.get("sort", "force_area")
    sort = sort if sort in DIRECTORY_SORTS else "force_area"
    partnerships = partnership_list_for_user(
        user=request.user, force_area=force_area, search=search, sort=sort
    )
    if request.GET.get("format") == "csv":
        return csv_response(
            "partnerships.csv",
            [
                "Partnership",
                "Short name",
                "Tier",
                "Police force area",
                "Part of",
                "Active",
                "Website",
            ],
            (
                [
                    p.name,
                    p.short_name,
                    p.get_tier_display(),
                    p.force_area.name,
                    p.parent.name if p.parent else "",
                    "Yes" if p.active else "No",
                    p.website,
                ]
                for p in partnerships
            ),
        )
    page = Paginator(partnerships, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "csv"
    return render(
        request,
        "partnerships/directory.html",
        {
            "page": page,
            "force_areas": force_areas_for_user(user=request.user),
            "force_area": force_area,
            "search": search,
            "sort": sort,
            "sorts": list(_SORT_LABELS.items()),
            "csv_query": query.urlencode(),
        },
    )


def detail(request: HttpRequest, partnership: str) -> HttpResponse:
    partnership_obj = get_partnership_for_user(request, partnership, Capability.VIEW_PARTNERSHIP)
    context = {
        "partnership": partnership_obj,
        "capabilities": access_for(request.user).capabilities(partnership_obj),
        **partnership_detail(partnership=partnership_obj),
    }
    return render(request, "partnerships/detail.html", context)


def history(request: HttpRequest, partnership: str) -> HttpResponse:
    partnership_obj = get_partnership_for_user(request, partnership, Capability.VIEW_PARTNERSHIP)
    can_view_change_history(request.user, partnership_obj).raise_if_denied()
    page = Paginator(partnership_history(partnership_obj.pk), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for entry in page:
        app_label, model_name = entry["model"].split(".")
        entry["kind"] = apps.get_model(app_label, model_name)._meta.verbose_name.capitalize()
    return render(
        request,
        "partnerships/history.html",
        {
            "partnership": partnership_obj,
            "capabilities": access_for(request.user).capabilities(partnership_obj),
            "page": page,
        },
    )
