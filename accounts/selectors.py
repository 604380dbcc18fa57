"""Reads about people and their roles."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import RoleGrant, User
from partnerships.models import Partnership


def role_grants_for_user(*, user: User) -> QuerySet[RoleGrant]:
    """The person's active grants, with what the templates show about each scope."""
    if not user.is_authenticated:
        return RoleGrant.objects.none()
    return (
        RoleGrant.objects.active()
        .filter(user=user)
        .select_related("partnership", "partnership__force_area", "force_area")
        .order_by("partnership__name", "force_area__name", "role")
    )


def role_grants_for_partnership(
    *, partnership: Partnership, include_revoked: bool = False
) -> QuerySet[RoleGrant]:
    grants = RoleGrant.objects.filter(partnership=partnership).select_related(
        "user", "granted_by", "revoked_by"
    )
    if not include_revoked:
        grants = grants.active()
    return grants.order_by("user__name", "role")


def force_area_grants_reaching(*, partnership: Partnership) -> QuerySet[RoleGrant]:
    """Force-area roles that reach this partnership (shown read-only to its managers)."""
    return (
        RoleGrant.objects.active()
        .filter(force_area_id=partnership.force_area_id)
        .select_related("user")
        .order_by("user__name", "role")
    )
