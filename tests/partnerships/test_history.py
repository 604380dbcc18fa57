"""Change history (issue 2, point 8): every model a user edits keeps who changed what and
when, and a manager sees the changes of their partnership on a page."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.services import role_grant_create, role_grant_revoke
from csp_portal.lib.history import HistoryExtras, partnership_history
from partnerships.models import (
    Board,
    ForceAreaGroupObjectPermission,
    ForceAreaUserObjectPermission,
    Membership,
    Organisation,
    Partnership,
    PartnershipGroupObjectPermission,
    PartnershipUserObjectPermission,
)
from performance.models import ReturnEvent, ReturnVersion
from tests.accounts.factories import UserFactory
from tests.partnerships.factories import BoardFactory, MembershipFactory, OrganisationFactory

LOCAL_APPS = [a.split(".")[0] for a in settings.LOCAL_APPS]

# Local models that keep no history, and why. Anything a user can edit must not be here.
WITHOUT_HISTORY = {
    # guardian's permission rows: written only by accounts.services in step with
    # RoleGrant, whose own history is the audit trail.
    PartnershipGroupObjectPermission,
    PartnershipUserObjectPermission,
    ForceAreaGroupObjectPermission,
    ForceAreaUserObjectPermission,
    # Append-only records of a return's workflow and of each submission: created once by
    # performance.services, never edited, so they are the history themselves.
    ReturnEvent,
    ReturnVersion,
}


def _admin_change(client, obj, data):
    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    return response


def _latest(obj):
    return obj.history.order_by("-history_date", "-history_id").first()


# Which models keep history ----------------------------------------------------------------


def _local_models():
    for label in LOCAL_APPS:
        for model in apps.get_app_config(label).get_models():
            # Skip the historical tables themselves, including simple-history's tables for
            # many-to-many changes (HistoricalPriority_objectives).
            if not issubclass(model, HistoryExtras) and not model.__name__.startswith("Historical"):
                yield model


def test_every_local_model_with_history_uses_portal_history():
    with_history = [m for m in _local_models() if hasattr(m, "history")]
    assert with_history  # the check below is not vacuous
    for model in with_history:
        historical = model.history.model
        assert issubclass(historical, HistoryExtras), (
            f"{model.__name__}.history must be portal_history(), not HistoricalRecords()"
        )


def test_every_local_model_keeps_history_except_the_permission_tables():
    without = {m for m in _local_models() if not hasattr(m, "history")}
    assert without == WITHOUT_HISTORY, (
        f"Models without history: {sorted(m.__name__ for m in without - WITHOUT_HISTORY)}. "
        "Give them history = portal_history(), or list them in WITHOUT_HISTORY with why."
    )


def test_every_model_editable_in_the_admin_keeps_history():
    for model in admin.site._registry:
        if model._meta.app_label in LOCAL_APPS:
            assert hasattr(model, "history"), model.__name__
            assert model not in WITHOUT_HISTORY


def test_every_model_that_belongs_to_a_partnership_says_which_in_its_history():
    """Otherwise its changes would be missing from the partnership's change history."""
    for model in _local_models():
        if hasattr(model, "history") and any(
            f.name == "partnership" for f in model._meta.get_fields()
        ):
            assert callable(getattr(model, "history_partnership_id", None)), model.__name__


# What is recorded -------------------------------------------------------------------------


def test_editing_a_partnership_records_who_and_a_readable_summary(world, client_for):
    client = client_for("site_admin")
    admin_user = world.person("site_admin")
    home = world.home
    _admin_change(
        client,
        home,
        {
            "name": "Norfolk Community Safety Partnership",
            "short_name": "NCSP",
            "slug": home.slug,
            "tier": Partnership.Tier.UNITARY,
            "force_area": world.other_area.pk,
            "parent": "",
            "area_description": "",
            "website": "",
            "active": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "boards-TOTAL_FORMS": "0",
            "boards-INITIAL_FORMS": "0",
        },
    )

    record = _latest(Partnership.objects.get(pk=home.pk))
    assert record.history_type == "~"
    assert record.history_user == admin_user
    assert record.history_partnership_id == home.pk
    assert record.history_object_repr == "Norfolk Community Safety Partnership"
    assert record.history_changes == {
        "Name": [
            "Norfolk County Community Safety Partnership",
            "Norfolk Community Safety Partnership",
        ],
        "Short name": ["CCSP", "NCSP"],
        "Tier": ["Merged county CSP", "Unitary CSP"],
        "Police force area": ["Norfolk", "Thames Valley"],
    }


def test_editing_a_membership_records_the_change(world, client_for):
    membership = MembershipFactory(
        partnership=world.home,
        organisation=OrganisationFactory(name="Norfolk Constabulary", type="police"),
    )
    _admin_change(
        client_for("site_admin"),
        membership,
        {
            "partnership": world.home.pk,
            "organisation": membership.organisation.pk,
            "kind": Membership.Kind.CO_OPERATING,
            "notes": "Attends the board",
        },
    )
    record = _latest(membership)
    assert record.history_user == world.person("site_admin")
    assert record.history_partnership_id == world.home.pk
    assert record.history_changes == {
        "Membership": ["Responsible authority", "Co-operating body"],
        "Notes": ["", "Attends the board"],
    }
    assert record.history_object_repr == "Norfolk Constabulary (Co-operating body)"


def test_editing_a_board_records_the_change(world, client_for):
    parent = BoardFactory(partnership=world.home, name="Strategy board", kind="board")
    board = BoardFactory(partnership=world.home, name="ASB group", kind="sub_group")
    _admin_change(
        client_for("site_admin"),
        board,
        {
            "partnership": world.home.pk,
            "parent": parent.pk,
            "name": "Anti-social behaviour group",
            "kind": Board.Kind.SUB_GROUP,
            "chair": "",
            "remit": "",
            "meets": "Quarterly",
            "active": "on",
        },
    )
    record = _latest(board)
    assert record.history_user == world.person("site_admin")
    assert record.history_partnership_id == world.home.pk
    assert record.history_changes == {
        "Reports to": ["", "Strategy board"],
        "Name": ["ASB group", "Anti-social behaviour group"],
        "Meets": ["", "Quarterly"],
    }


def test_an_organisations_renames_are_kept(world, client_for):
    client = client_for("site_admin")
    organisation = OrganisationFactory(name="Norfolk Probation Trust", type="probation")
    for name in ("National Probation Service", "Probation Service (East of England)"):
        _admin_change(
            client, organisation, {"name": name, "type": Organisation.Type.PROBATION, "website": ""}
        )

    names = list(organisation.history.order_by("history_date").values_list("name", flat=True))
    assert names == [
        "Norfolk Probation Trust",
        "National Probation Service",
        "Probation Service (East of England)",
    ]
    assert _latest(organisation).history_changes == {
        "Name": ["National Probation Service", "Probation Service (East of England)"]
    }
    assert _latest(organisation).history_user == world.person("site_admin")
    history_page = client.get(
        reverse("admin:partnerships_organisation_history", args=[organisation.pk])
    )
    assert "National Probation Service" in history_page.content.decode()


def test_granting_and_revoking_a_role_is_recorded_against_the_partnership(world):
    manager = world.person("manager")
    colleague = UserFactory(name="Priya Shah")
    new = role_grant_create(user=colleague, role=Role.OFFICER, partnership=world.home, by=manager)
    role_grant_revoke(grant=new, by=manager)

    records = list(new.history.order_by("history_date"))
    assert [r.history_partnership_id for r in records] == [world.home.pk, world.home.pk]
    assert all(r.history_user == manager for r in records)
    assert records[0].history_object_repr == f"Priya Shah: CSP officer for {world.home.name}"


def test_editing_a_person_records_the_change_but_never_the_password(world, client_for):
    colleague = UserFactory(name="Priya Shah", email="priya@example.org")
    colleague._history_user = world.person("site_admin")
    colleague.name = "Priya Shah-Patel"
    colleague.set_password("another long password")
    colleague.save()

    record = _latest(colleague)
    assert record.history_user == world.person("site_admin")
    assert record.history_changes == {"Full name": ["Priya Shah", "Priya Shah-Patel"]}
    assert not hasattr(record, "password")


def test_a_deleted_object_is_recorded_with_its_name(world):
    board = BoardFactory(partnership=world.home, name="Task group")
    board_id = board.pk
    board._history_user = world.person("site_admin")
    board.delete()

    record = Board.history.filter(id=board_id).order_by("-history_date").first()
    assert record.history_type == "-"
    assert record.history_object_repr == "Task group"
    assert record.history_partnership_id == world.home.pk


# The partnership's change history page -----------------------------------------------------


def _make_changes(world, start):
    """Changes to home and to its neighbour, a minute apart, by different people."""
    admin_user = world.person("site_admin")
    manager = world.person("manager")
    with time_machine.travel(start, tick=False) as clock:
        organisation = OrganisationFactory(name="Breckland Council")
        clock.shift(dt.timedelta(minutes=1))
        board = Board(partnership=world.home, name="Serious violence group", kind="sub_group")
        board._history_user = admin_user
        board.save()
        clock.shift(dt.timedelta(minutes=1))
        neighbour_board = Board(partnership=world.neighbour, name="Breckland board", kind="board")
        neighbour_board._history_user = admin_user
        neighbour_board.save()
        membership = Membership(
            partnership=world.neighbour, organisation=organisation, kind="responsible"
        )
        membership.save()
        clock.shift(dt.timedelta(minutes=1))
        role_grant_create(
            user=UserFactory(name="Priya Shah"),
            role=Role.VIEWER,
            partnership=world.home,
            by=manager,
        )
        clock.shift(dt.timedelta(minutes=1))
        board.chair = "Cllr Jo Bloggs"
        board._history_user = admin_user
        board.save()


def test_the_change_history_page_shows_a_manager_their_partnerships_changes_newest_first(
    world, client_for
):
    world.person("manager")  # their own grant is the first change
    _make_changes(world, timezone.now() + dt.timedelta(hours=1))

    response = client_for("manager").get(
        reverse("partnerships:history", kwargs={"partnership": world.home.slug})
    )

    assert response.status_code == 200
    entries = list(response.context["page"])
    summary = [
        (e["kind"], e["history_object_repr"], e["history_type"], e["user_name"]) for e in entries
    ]
    assert summary == [
        ("Board", "Serious violence group", "~", "Site Admin"),
        ("Role grant", f"Priya Shah: Viewer for {world.home.name}", "+", "Manager"),
        ("Board", "Serious violence group", "+", "Site Admin"),
        ("Role grant", f"Manager: CSP manager for {world.home.name}", "+", None),
        ("Partnership", world.home.name, "+", None),
    ]
    assert entries[0]["history_changes"] == {"Chair": ["", "Cllr Jo Bloggs"]}
    dates = [e["history_date"] for e in entries]
    assert dates == sorted(dates, reverse=True)

    html = response.content.decode()
    assert "Breckland" not in html  # nothing from the neighbour
    assert "<strong>Chair</strong>: Cllr Jo Bloggs" in html
    assert "Site Admin" in html
    assert ">System<" in html  # changes made by no one in particular


def test_the_neighbours_manager_sees_only_the_neighbours_changes(world, client_for):
    _make_changes(world, timezone.now() + dt.timedelta(hours=1))
    response = client_for("other_partnership").get(
        reverse("partnerships:history", kwargs={"partnership": world.neighbour.slug})
    )
    reprs = {e["history_object_repr"] for e in response.context["page"]}
    assert "Breckland board" in reprs
    assert "Serious violence group" not in reprs
    assert all(
        e["history_object_repr"] != world.home.name for e in partnership_history(world.neighbour.pk)
    )


def test_the_change_history_is_paginated(world, client_for, monkeypatch):
    from partnerships import views

    monkeypatch.setattr(views, "HISTORY_PAGE_SIZE", 3)
    world.person("manager")
    _make_changes(world, timezone.now() + dt.timedelta(hours=1))
    client = client_for("manager")
    url = reverse("partnerships:history", kwargs={"partnership": world.home.slug})

    first = client.get(url)
    second = client.get(url, {"page": 2})

    assert first.context["page"].paginator.count == 5
    assert len(first.context["page"]) == 3
    assert len(second.context["page"]) == 2
    assert 'rel="next"' in first.content.decode()
    assert "Page 2 of 2" in second.content.decode()


def test_the_change_history_page_runs_the_same_queries_however_many_changes(
    world, client_for, django_assert_num_queries
):
    client = client_for("manager")
    url = reverse("partnerships:history", kwargs={"partnership": world.home.slug})
    client.get(url)  # the session's last-seen time is written on the first request

    def build(n):
        for _ in range(n):
            board = Board(
                partnership=world.home, name=f"Group {Board.objects.count()}", kind="sub_group"
            )
            board._history_user = world.person("site_admin")
            board.save()
            MembershipFactory(partnership=world.home)

    build(3)
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.context["page"].paginator.count == 3 * 2 + 2

    build(20)
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.context["page"].paginator.count == 23 * 2 + 2


def test_the_history_of_a_partnership_ignores_users_and_reference_data(world):
    user = User.objects.create_user(email="x@example.org", name="X")
    user.name = "Y"
    user.save()
    reprs = [e["history_object_repr"] for e in partnership_history(world.home.pk)]
    assert reprs == [world.home.name]
