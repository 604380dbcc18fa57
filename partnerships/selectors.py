"""Reads about partnerships that span relations. Each returns a pre-joined queryset so
list pages run a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.roles import Capability
from csp_portal.lib.access import access_for
from partnerships.models import Board, ForceArea, Membership, Partnership

_KIND_PLURALS = {
    Membership.Kind.RESPONSIBLE_AUTHORITY: "Responsible authorities",
    Membership.Kind.CO_OPERATING: "Co-operating bodies",
    Membership.Kind.INVITED: "Invited (participating) bodies",
}


DIRECTORY_SORTS = {
    "force_area": ("force_area__name", "name"),
    "name": ("name",),
    "tier": ("tier", "name"),
}


def partnership_list_for_user(
    *, user: User, force_area: str = "", search: str = "", sort: str = "force_area"
) -> QuerySet[Partnership]:
    partnerships = access_for(user).partnerships(Capability.VIEW_PARTNERSHIP)
    if force_area:
        partnerships = partnerships.filter(force_area__slug=force_area)
    if search:
        partnerships = partnerships.filter(
            Q(name__icontains=search) | Q(short_name__icontains=search)
        )
    ordering = DIRECTORY_SORTS.get(sort, DIRECTORY_SORTS["force_area"])
    return partnerships.select_related("force_area", "parent").order_by(*ordering)


def force_areas_for_user(*, user: User) -> QuerySet[ForceArea]:
    """Force areas that hold at least one partnership the person can see."""
    visible = access_for(user).partnerships(Capability.VIEW_PARTNERSHIP)
    return ForceArea.objects.filter(partnerships__in=visible).distinct().order_by("name")


def partnership_detail(*, partnership: Partnership) -> dict:
    memberships = list(
        Membership.objects.filter(partnership=partnership)
        .select_related("organisation")
        .order_by("kind", "organisation__name")
    )
    boards = list(
        Board.objects.filter(partnership=partnership, active=True)
        .select_related("parent")
        .order_by("name")
    )
    children = list(partnership.children.filter(active=True).order_by("name"))
    return {
        "memberships": memberships,
        "memberships_by_kind": [
            (label, [m for m in memberships if m.kind == kind])
            for kind, label in _KIND_PLURALS.items()
        ],
        "boards": boards,
        "children": children,
    }
