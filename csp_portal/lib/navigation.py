"""The service navigation: each item is shown only to people who can reach it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse

from accounts.roles import Capability
from csp_portal.lib.access import Access


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    visible: Callable[[Access], bool]
    # URL path prefixes under which this item is the current section.
    sections: tuple[str, ...] = ()


NAV_ITEMS: list[NavItem] = [
    NavItem(
        "Partnerships",
        "partnerships:directory",
        lambda a: a.has_any(Capability.VIEW_PARTNERSHIP),
        ("/partnerships/", "/p/"),
    ),
    NavItem(
        "Force area overview",
        "performance:force_areas",
        lambda a: a.has_any(Capability.VIEW_OVERVIEW),
        ("/force-areas/",),
    ),
    NavItem("Site administration", "admin:index", lambda a: a.user.is_staff, ("/admin/",)),
]


def navigation_for(request: HttpRequest) -> list[dict[str, Any]]:
    if not request.user.is_authenticated:
        return []
    from csp_portal.lib.access import access_for

    access = access_for(request.user)
    items = []
    for item in NAV_ITEMS:
        if not item.visible(access):
            continue
        href = fixed_url(item.url_name)
        current = any(request.path.startswith(s) for s in item.sections)
        items.append({"text": item.label, "href": href, "current": current})
    return items


@lru_cache(maxsize=64)
def _fixed_url(name: str, root_urlconf: str, urlconf: str | None, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


def fixed_url(name: str) -> str:
    """The address of a URL pattern that takes no arguments, reversed once per process
    (keyed on the URLconf and script prefix). Reversing costs about 35 µs, and every
    page's header, footer and navigation would otherwise reverse the same ten names."""
    return _fixed_url(name, settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())
