"""Where the access helper reads role grants from.

``csp_portal.lib.access`` imports no app: it asks the grant source registered here (in
``PartnershipsConfig.ready``) for the person's guardian object permissions on
partnerships and on police force areas, and for the Partnership model. The role groups
and their permissions are kept in step with ``accounts.roles`` by
``accounts.services.role_groups_sync``; see docs/permissions.md.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from django.db import connection

from accounts.roles import Capability

if TYPE_CHECKING:
    from partnerships.models import Partnership


class PartnershipGrants:
    """The grant source of the portal: guardian group object permissions held on
    ``Partnership`` (kind ``"p"``) and ``ForceArea`` (kind ``"f"``)."""

    capabilities = frozenset(c.value for c in Capability)
    view_capability = Capability.VIEW_PARTNERSHIP.value

    @property
    def partnership_model(self) -> type[Partnership]:
        from partnerships.models import Partnership

        return Partnership

    @cached_property
    def _sql(self) -> str:
        """One query: the guardian object permissions held by the person's groups on
        partnerships and on force areas.

        Written in SQL because it runs on every request: the same query through the ORM
        costs three times as long (1.5 ms of query building on a benchmark machine), and
        the ORM's path through auth_group adds a join the question does not need."""
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Permission

        from partnerships.models import (
            ForceAreaGroupObjectPermission,
            PartnershipGroupObjectPermission,
        )

        memberships = get_user_model().groups.through._meta.db_table
        permissions = Permission._meta.db_table
        parts = []
        for kind, model in (
            ("p", PartnershipGroupObjectPermission),
            ("f", ForceAreaGroupObjectPermission),
        ):
            parts.append(
                f"SELECT '{kind}', g.content_object_id, p.codename FROM {model._meta.db_table} g "  # noqa: S608 - table names from the models, no input
                f"JOIN {memberships} m ON m.group_id = g.group_id "
                f"JOIN {permissions} p ON p.id = g.permission_id WHERE m.user_id = %s"
            )
        return " UNION ALL ".join(parts)

    def permission_rows(self, user_id: int) -> list[tuple[str, int, str]]:
        with connection.cursor() as cursor:
            cursor.execute(self._sql, [user_id, user_id])
            return cursor.fetchall()
