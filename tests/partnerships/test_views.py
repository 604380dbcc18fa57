"""The partnership directory and a partnership's page: who sees what, filters, pagination,
and a number of SQL queries that does not grow with the data (issue 2, points 6 and 14)."""

from __future__ import annotations

import itertools

import pytest
from django.urls import reverse

from accounts.roles import Role
from partnerships.models import Board, Membership
from tests.conftest import grant
from tests.partnerships.factories import (
    BoardFactory,
    ForceAreaFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
)

DIRECTORY = "/partnerships/"
_counter = itertools.count()


def _names(response) -> list[str]:
    return [p.name for p in response.context["page"]]


def _add_partnerships(world, n: int, *, officer=None) -> None:
    """``n`` more partnerships, spread over the world's two force areas and a new one, each
    under a parent, with members and boards; ``officer`` gets a role in each."""
    third_area = ForceAreaFactory(name="Devon and Cornwall", slug="devon-and-cornwall")
    for i in range(n):
        k = next(_counter)
        area = (world.area, world.other_area, third_area)[i % 3]
        partnership = PartnershipFactory(
            name=f"Partnership {k:03d}",
            slug=f"partnership-{k}",
            force_area=area,
            parent=world.home if area == world.area else None,
        )
        MembershipFactory(partnership=partnership)
        BoardFactory(partnership=partnership)
        if officer is not None:
            grant(officer, Role.OFFICER, partnership=partnership)


# Who sees which partnerships ---------------------------------------------------------


def test_an_officer_sees_only_their_partnership(world, client_for):
    assert _names(client_for("officer").get(DIRECTORY)) == [world.home.name]


def test_a_pcc_reviewer_sees_every_partnership_in_their_force_area(world, client_for):
    response = client_for("pcc_reviewer").get(DIRECTORY)
    assert sorted(_names(response)) == sorted([world.home.name, world.neighbour.name])
    assert [a.slug for a in response.context["force_areas"]] == ["norfolk"]


def test_a_site_administrator_sees_every_partnership(world, client_for):
    response = client_for("site_admin").get(DIRECTORY)
    assert sorted(_names(response)) == sorted(
        [world.home.name, world.neighbour.name, world.away.name]
    )
    assert [a.slug for a in response.context["force_areas"]] == ["norfolk", "thames-valley"]


def test_someone_with_no_role_sees_no_partnerships(world, client, django_user_model):
    nobody = django_user_model.objects.create_user(email="nobody@example.org", name="Nobody")
    client.force_login(nobody, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(DIRECTORY)
    assert _names(response) == []
    assert "You do not have a role in any partnership yet." in response.content.decode()


# Filters and pagination ------------------------------------------------------------------


def test_the_directory_filters_by_force_area(world, client_for):
    client = client_for("site_admin")
    response = client.get(DIRECTORY, {"force_area": "thames-valley"})
    assert _names(response) == [world.away.name]
    html = response.content.decode()
    assert '<option value="thames-valley" selected>' in html
    assert "1 partnership matches your filters" in html


def test_the_directory_searches_by_name_and_short_name(world, client_for):
    client = client_for("site_admin")
    assert _names(client.get(DIRECTORY, {"q": "breckland"})) == [world.neighbour.name]
    assert _names(client.get(DIRECTORY, {"q": "CCSP"})) == [world.home.name]
    response = client.get(DIRECTORY, {"q": "Partnership", "force_area": "norfolk"})
    assert sorted(_names(response)) == sorted([world.home.name, world.neighbour.name])
    response = client.get(DIRECTORY, {"q": "nowhere"})
    assert _names(response) == []
    assert "No partnerships match your filters." in response.content.decode()
    assert 'value="nowhere"' in response.content.decode()  # what was typed is kept


def test_filters_cannot_reveal_partnerships_outside_the_persons_reach(world, client_for):
    client = client_for("officer")
    assert _names(client.get(DIRECTORY, {"force_area": "thames-valley"})) == []
    assert _names(client.get(DIRECTORY, {"q": "Slough"})) == []


def test_the_directory_is_paginated_and_keeps_the_filters(world, client_for, monkeypatch):
    from partnerships import views

    monkeypatch.setattr(views, "DIRECTORY_PAGE_SIZE", 2)
    _add_partnerships(world, 6)
    client = client_for("site_admin")

    first = client.get(DIRECTORY, {"force_area": "norfolk"})
    assert first.context["page"].paginator.count == 4  # home, neighbour and two new ones
    assert len(_names(first)) == 2
    html = first.content.decode()
    assert "Page 1 of 2" in html
    assert 'href="?force_area=norfolk&amp;page=2" rel="next"' in html

    second = client.get(DIRECTORY, {"force_area": "norfolk", "page": 2})
    assert len(_names(second)) == 2
    assert set(_names(first)).isdisjoint(_names(second))
    # A page number past the end shows the last page.
    assert _names(client.get(DIRECTORY, {"force_area": "norfolk", "page": 99})) == _names(second)


# The partnership page ----------------------------------------------------------------------


def test_the_partnership_page_shows_members_by_kind_structure_and_boards(world, client_for):
    council = OrganisationFactory(name="Norfolk County Council")
    police = OrganisationFactory(name="Norfolk Constabulary", type="police")
    charity = OrganisationFactory(name="Leeway", type="voluntary")
    MembershipFactory(partnership=world.home, organisation=council)
    MembershipFactory(partnership=world.home, organisation=police)
    MembershipFactory(partnership=world.home, organisation=charity, kind=Membership.Kind.INVITED)
    MembershipFactory(partnership=world.neighbour, organisation=OrganisationFactory(name="Other"))
    board = BoardFactory(partnership=world.home, name="Norfolk CSP board", kind=Board.Kind.BOARD)
    BoardFactory(partnership=world.home, name="Prevent group", parent=board, meets="Quarterly")
    BoardFactory(partnership=world.home, name="Old group", active=False)
    world.neighbour.parent = world.home
    world.neighbour.save()

    response = client_for("viewer").get(world.home.get_absolute_url())

    assert response.status_code == 200
    by_kind = {
        label: [m.organisation.name for m in ms]
        for label, ms in response.context["memberships_by_kind"]
    }
    assert by_kind == {
        "Responsible authorities": ["Norfolk Constabulary", "Norfolk County Council"],
        "Co-operating bodies": [],
        "Invited (participating) bodies": ["Leeway"],
    }
    assert [b.name for b in response.context["boards"]] == ["Norfolk CSP board", "Prevent group"]
    assert [c.name for c in response.context["children"]] == [world.neighbour.name]
    html = response.content.decode()
    assert "Sub-group, reports to Norfolk CSP board. Meets quarterly" in html
    assert "Old group" not in html
    assert "Other" not in html
    assert "Merged county CSP" in html
    # A viewer gets no management links.
    assert "People and roles" not in html
    assert "Change history" not in html


def test_a_manager_sees_links_to_people_and_change_history(world, client_for):
    html = client_for("manager").get(world.home.get_absolute_url()).content.decode()
    assert reverse("people:list", kwargs={"partnership": world.home.slug}) in html
    assert reverse("partnerships:history", kwargs={"partnership": world.home.slug}) in html


def test_an_unknown_partnership_is_not_found(world, client_for):
    assert client_for("site_admin").get("/p/no-such-place/").status_code == 404


# Query counts ------------------------------------------------------------------------------


def _warm(client, url):
    """The first request after signing in writes the session's last-seen time."""
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("persona", "queries"),
    [
        # session, user, access (none for a site admin), count, page, force areas
        ("site_admin", 5),
        ("pcc_reviewer", 6),
        ("officer", 6),
    ],
)
def test_the_directory_runs_the_same_queries_for_3_or_30_partnerships(
    world, client_for, django_assert_num_queries, persona, queries
):
    client = client_for(persona)
    officer = world.person("officer")
    _warm(client, DIRECTORY)

    _add_partnerships(world, 3, officer=officer)
    with django_assert_num_queries(queries):
        small = client.get(DIRECTORY)

    _add_partnerships(world, 27, officer=officer)
    with django_assert_num_queries(queries):
        large = client.get(DIRECTORY)

    assert large.context["page"].paginator.count > small.context["page"].paginator.count
    assert small.context["page"].paginator.count >= 2


def test_the_partnership_page_runs_the_same_queries_for_few_or_many_members_and_boards(
    world, client_for, django_assert_num_queries
):
    client = client_for("pcc_reviewer")
    url = world.home.get_absolute_url()
    _warm(client, url)

    def build(n):
        for _ in range(n):
            MembershipFactory(partnership=world.home)
            BoardFactory(
                partnership=world.home, parent=Board.objects.filter(partnership=world.home).first()
            )
            k = next(_counter)
            PartnershipFactory(
                name=f"Child {k}", slug=f"child-{k}", force_area=world.area, parent=world.home
            )

    build(3)
    # session, user, 2 × access, partnership, memberships, boards, children
    with django_assert_num_queries(7):
        small = client.get(url)
    build(27)
    with django_assert_num_queries(7):
        large = client.get(url)
    assert len(large.context["memberships"]) == 30 > len(small.context["memberships"])
    assert len(large.context["boards"]) == 30
