"""The portal's service navigation items, in order (csp_portal.lib.navigation shows them).

They live in the project package, not in ``csp_portal/lib``, because they name the apps'
pages and capabilities; ``CspPortalConfig.ready`` registers them."""

from __future__ import annotations

from accounts.roles import Capability
from csp_portal.lib.navigation import NavItem

NAV_ITEMS = (
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
)
