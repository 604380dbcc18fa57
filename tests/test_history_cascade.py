"""History is recorded even when an object's parent row is already gone (as can happen
in the middle of a cascade delete of many partnerships)."""

from __future__ import annotations

from accounts.models import RoleGrant
from csp_portal.lib.history import _fill_history_extras
from tests.accounts.factories import UserFactory


def test_naming_an_object_whose_partnership_has_gone_does_not_fail(db):
    missing_partnership_id = 987654
    grant = RoleGrant(
        pk=4321, user=UserFactory(), role="officer", partnership_id=missing_partnership_id
    )
    history_row = RoleGrant.history.model(id=grant.pk, history_type="-")
    _fill_history_extras(sender=type(history_row), instance=grant, history_instance=history_row)
    assert history_row.history_object_repr == "role grant 4321"
    assert history_row.history_partnership_id == missing_partnership_id
