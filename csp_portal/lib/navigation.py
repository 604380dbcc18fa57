"""The service navigation: each item is shown only to people who can reach it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

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


def navigation_for(request) -> list[dict]:
    if not request.user.is_authenticated:
        return []
    from csp_portal.lib.access import access_for

    access = access_for(request.user)
    items = []
    for item in NAV_ITEMS:
        if not item.visible(access):
            continue
        href = reverse(item.url_name)
        current = any(request.path.startswith(s) for s in item.sections)
        items.append({"text": item.label, "href": href, "current": current})
    return items
