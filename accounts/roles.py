"""Roles and what each one may do.

A role is granted to a person for one partnership or for one police force area
(accounts.models.RoleGrant). Each role carries a set of capabilities; a capability is a
guardian object permission on the Partnership or ForceArea model with the same codename,
so a force-area grant reaches every partnership in that area, including ones created
later, without copying anything. See docs/permissions.md.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    PARTNERSHIP = "partnership", _("Partnership")
    FORCE_AREA = "force_area", _("Police force area")


class Role(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    OFFICER = "officer", _("CSP officer")
    MANAGER = "manager", _("CSP manager")
    DHR_PANEL = "dhr_panel", _("DHR panel member")
    SCRUTINY = "scrutiny", _("Scrutiny member")
    PCC_REVIEWER = "pcc_reviewer", _("PCC office reviewer")
    PANEL_MEMBER = "panel_member", _("Police and Crime Panel member")


ROLE_SCOPE: dict[str, str] = {
    Role.VIEWER: Scope.PARTNERSHIP,
    Role.OFFICER: Scope.PARTNERSHIP,
    Role.MANAGER: Scope.PARTNERSHIP,
    Role.DHR_PANEL: Scope.PARTNERSHIP,
    Role.SCRUTINY: Scope.PARTNERSHIP,
    Role.PCC_REVIEWER: Scope.FORCE_AREA,
    Role.PANEL_MEMBER: Scope.FORCE_AREA,
}

# Each role's name as it reads in the middle of a sentence ("is now CSP officer for…"):
# lower case, except for acronyms and the Police and Crime Panel, which is a name.
ROLE_IN_SENTENCE: dict[str, str] = {
    Role.VIEWER: _("viewer"),
    Role.OFFICER: _("CSP officer"),
    Role.MANAGER: _("CSP manager"),
    Role.DHR_PANEL: _("DHR panel member"),
    Role.SCRUTINY: _("scrutiny member"),
    Role.PCC_REVIEWER: _("PCC office reviewer"),
    Role.PANEL_MEMBER: _("Police and Crime Panel member"),
}

ROLE_DESCRIPTIONS: dict[str, str] = {
    Role.VIEWER: _("Reads the partnership's plan and returns, including drafts."),
    Role.OFFICER: _("Keeps the plan up to date and fills in the quarterly return."),
    Role.MANAGER: _("Signs off returns, adopts the plan and decides who has which role."),
    Role.DHR_PANEL: _("Works on the partnership's Domestic Homicide Reviews."),
    Role.SCRUTINY: _("Reads approved returns and published reports."),
    Role.PCC_REVIEWER: _("Sees every partnership in the force area and queries approved returns."),
    Role.PANEL_MEMBER: _("Reads approved returns and published reports across the force area."),
}


class Capability(models.TextChoices):
    """Object permissions defined on both Partnership and ForceArea (same codenames)."""

    VIEW_PARTNERSHIP = "access_partnership", _("Can see the partnership")
    VIEW_WORKING_PAPERS = "view_working_papers", _("Can see drafts: plans and returns in progress")
    VIEW_PUBLISHED = (
        "view_published",
        _("Can read adopted plans, approved returns and published reports"),
    )
    CONTRIBUTE = "contribute", _("Can edit the plan and fill in returns")
    SIGN_OFF = "sign_off", _("Can adopt plans and sign off returns")
    QUERY_RETURNS = "query_returns", _("Can query approved returns")
    MANAGE_ROLES = "manage_roles", _("Can grant and revoke roles")
    VIEW_CHANGE_HISTORY = "view_change_history", _("Can see the change history")
    VIEW_OVERVIEW = "view_overview", _("Can see the force-area overview of returns")


C = Capability
_READER = {C.VIEW_PARTNERSHIP, C.VIEW_PUBLISHED}
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.VIEWER: frozenset(_READER | {C.VIEW_WORKING_PAPERS}),
    Role.OFFICER: frozenset(_READER | {C.VIEW_WORKING_PAPERS, C.CONTRIBUTE}),
    Role.MANAGER: frozenset(
        _READER
        | {C.VIEW_WORKING_PAPERS, C.CONTRIBUTE, C.SIGN_OFF, C.MANAGE_ROLES, C.VIEW_CHANGE_HISTORY}
    ),
    Role.DHR_PANEL: frozenset(_READER),
    Role.SCRUTINY: frozenset(_READER),
    Role.PCC_REVIEWER: frozenset(_READER | {C.QUERY_RETURNS, C.VIEW_OVERVIEW}),
    Role.PANEL_MEMBER: frozenset(_READER),
}

# Meta.permissions for Partnership and ForceArea.
CAPABILITY_PERMISSIONS = tuple((c.value, str(c.label)) for c in Capability)

PARTNERSHIP_ROLES = [r for r in Role if ROLE_SCOPE[r] == Scope.PARTNERSHIP]
FORCE_AREA_ROLES = [r for r in Role if ROLE_SCOPE[r] == Scope.FORCE_AREA]
