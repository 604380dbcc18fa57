"""manage.py seed_demo and demo_logins, and the integrity of the reference and demo fixtures.

Seeding takes a second or two, so the tests that only read the seeded data share one
load (``seeded`` in tests/conftest.py, class-scoped), rolled back when the class ends.
"""

from __future__ import annotations

import json
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import RoleGrant, User
from accounts.roles import ROLE_SCOPE, Role, Scope
from demo import partnerships as partnerships_loader
from demo.base import DemoDataError
from demo.loaders import LOADERS
from demo.people import DEMO_PASSWORD, demo_people
from partnerships.models import (
    Board,
    ForceArea,
    Membership,
    Organisation,
    Partnership,
    PoliceAndCrimeObjective,
    StatutoryDuty,
)

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def _read(path: str):
    return json.loads((FIXTURES / path).read_text(encoding="utf-8"))


def _seed(**kwargs) -> str:
    # Today, not the fixture's frozen day: a second run must show in the change times.
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out, **kwargs)
    return out.getvalue()


def _snapshot() -> dict[str, object]:
    """Row counts of every table the loaders touch, history included, plus the latest
    change time of the demo rows, so a second run that rewrote anything would show."""
    counts = {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label
        in ("partnerships", "accounts", "auth", "guardian", "priorities", "performance")
        or model.__name__.startswith("Historical")
    }
    counts["latest partnership change"] = (
        Partnership.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
    )
    counts["latest board change"] = (
        Board.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
    )
    counts["passwords"] = sorted(User.objects.values_list("password", flat=True))
    return counts


# --- What seed_demo loads ----------------------------------------------------------


@pytest.mark.usefixtures("seeded")
class TestWhatSeedDemoLoads:
    def test_it_loads_all_43_force_areas_of_england_and_wales(self, db):
        assert ForceArea.objects.count() == 43
        assert ForceArea.objects.filter(country=ForceArea.Country.WALES).count() == 4
        assert set(
            ForceArea.objects.filter(
                slug__in=["norfolk", "thames-valley", "avon-and-somerset", "west-mercia"]
            ).values_list("police_force", flat=True)
        ) == {
            "Norfolk Constabulary",
            "Thames Valley Police",
            "Avon and Somerset Police",
            "West Mercia Police",
        }

    def test_it_loads_the_statutory_duty_catalogue(self, db):
        fixture = _read("reference/statutory_duties.json")
        assert StatutoryDuty.objects.count() == len(fixture)
        dhr = StatutoryDuty.objects.get(code="DVCVA04-S9-DHR")
        assert dhr.frequency == StatutoryDuty.Frequency.PER_CASE
        assert dhr.in_force_from == "13 April 2011"

    def test_it_loads_the_partnerships_of_the_five_seed_documents(self, db):
        by_area = Counter(Partnership.objects.values_list("force_area__slug", flat=True))
        assert by_area == {
            "thames-valley": 16,
            "norfolk": 1,
            "avon-and-somerset": 1,
            "west-mercia": 3,
            "devon-and-cornwall": 1,
        }

    @pytest.mark.parametrize(
        ("slug", "tier", "parent"),
        [
            ("norfolk-ccsp", Partnership.Tier.MERGED_COUNTY, None),
            ("safer-somerset", Partnership.Tier.MERGED_COUNTY, None),
            ("safer-plymouth", Partnership.Tier.UNITARY, None),
            ("worcestershire-scb", Partnership.Tier.COUNTY_STRATEGY_GROUP, None),
            ("north-worcestershire-csp", Partnership.Tier.DISTRICT, "worcestershire-scb"),
            ("south-worcestershire-csp", Partnership.Tier.DISTRICT, "worcestershire-scb"),
            ("safer-stronger-bucks", Partnership.Tier.COUNTY_STRATEGY_GROUP, None),
            ("aylesbury-vale-csp", Partnership.Tier.DISTRICT, "safer-stronger-bucks"),
            ("wycombe-csp", Partnership.Tier.DISTRICT, "safer-stronger-bucks"),
            ("safer-oxfordshire", Partnership.Tier.COUNTY_STRATEGY_GROUP, None),
            ("cherwell-safer-communities", Partnership.Tier.DISTRICT, "safer-oxfordshire"),
            ("safer-slough", Partnership.Tier.UNITARY, None),
            ("safer-mk", Partnership.Tier.UNITARY, None),
        ],
    )
    def test_it_gives_each_partnership_its_tier_and_parent(self, db, slug, tier, parent):
        partnership = Partnership.objects.select_related("parent").get(slug=slug)
        assert partnership.tier == tier
        assert (partnership.parent.slug if partnership.parent else None) == parent

    def test_it_gives_norfolk_ccsp_its_20_member_agencies_by_kind(self, db):
        members = Membership.objects.filter(partnership__slug="norfolk-ccsp")
        assert members.count() == 20
        assert Counter(members.values_list("kind", flat=True)) == {
            Membership.Kind.RESPONSIBLE_AUTHORITY: 16,
            Membership.Kind.CO_OPERATING: 1,
            Membership.Kind.INVITED: 3,
        }
        pcc_office = members.get(organisation__name__startswith="Office of the Police and Crime")
        assert pcc_office.kind == Membership.Kind.CO_OPERATING
        assert pcc_office.organisation.type == Organisation.Type.PCC_OFFICE

    def test_it_loads_boards_with_the_groups_that_report_to_them(self, db):
        dasvb = Board.objects.get(
            partnership__slug="norfolk-ccsp", name="Domestic Abuse and Sexual Violence Board"
        )
        assert dasvb.children.count() == 4
        assert (
            Board.objects.filter(
                partnership__slug="norfolk-ccsp", name__endswith="Operational Partnership Team"
            ).count()
            == 7
        )
        somerset = set(
            Board.objects.filter(partnership__slug="safer-somerset").values_list("name", flat=True)
        )
        assert {"Somerset Domestic Abuse Board", "Somerset Prevent Board"} <= somerset
        assert Board.objects.filter(partnership__slug="worcestershire-scb").count() == 10

    def test_it_loads_the_norfolk_police_and_crime_plan_objectives(self, db):
        norfolk = ForceArea.objects.get(slug="norfolk")
        assert norfolk.police_and_crime_plan == "Police and Crime Plan 2013/17"
        objectives = list(norfolk.objectives.values_list("code", "title"))
        assert len(objectives) == 10
        assert objectives[0] == ("1", "Reduce the number of priority crimes")
        assert PoliceAndCrimeObjective.objects.exclude(force_area=norfolk).count() == 0

    def test_it_gives_every_demo_person_exactly_the_role_promised(self, db):
        for person in demo_people():
            user = User.objects.get(email=person.email)
            grants = list(RoleGrant.objects.active().filter(user=user))
            if person.site_admin:
                assert (user.is_staff, user.is_superuser, grants) == (True, True, [])
                continue
            assert (user.is_staff, user.is_superuser) == (False, False)
            assert len(grants) == 1, person.email
            grant = grants[0]
            assert grant.role == person.role
            if ROLE_SCOPE[person.role] == Scope.PARTNERSHIP:
                assert grant.partnership.slug == person.partnership
            else:
                assert grant.force_area.slug == person.force_area

    def test_it_has_a_demo_person_for_every_role_and_a_site_administrator(self, db):
        people = demo_people()
        assert {p.role for p in people if p.role} == set(Role)
        assert any(p.site_admin for p in people)

    def test_each_demo_person_can_sign_in_with_the_demo_password(self, db, client):
        for person in demo_people():
            client.logout()
            response = client.post(
                reverse("accounts:sign_in"),
                {"username": person.email, "password": DEMO_PASSWORD},
            )
            assert response.status_code == 302, person.email
            assert client.session["_auth_user_id"] == str(User.objects.get(email=person.email).pk)

    def test_the_demo_manager_sees_their_partnership_and_not_another(self, db, client):
        client.post(
            reverse("accounts:sign_in"),
            {"username": "norfolk.manager@example.org", "password": DEMO_PASSWORD},
        )
        page = client.get(reverse("partnerships:detail", kwargs={"partnership": "norfolk-ccsp"}))
        assert page.status_code == 200
        assert "Domestic Abuse and Sexual Violence Board" in page.content.decode()
        other = client.get(reverse("partnerships:detail", kwargs={"partnership": "safer-somerset"}))
        assert other.status_code == 404

    def test_running_it_again_changes_nothing(self, db, settings):
        before = _snapshot()
        settings.DEBUG = True  # and without --force, as the Makefile runs it
        out = StringIO()
        call_command("seed_demo", stdout=out)
        assert _snapshot() == before
        assert "created" not in out.getvalue()

    def test_demo_logins_prints_the_address_and_a_line_per_role(self, db):
        out = StringIO()
        call_command("demo_logins", stdout=out)
        lines = out.getvalue().splitlines()
        assert lines[0] == "CSP Portal: http://127.0.0.1:8000/"
        for person in demo_people():
            [line] = [line for line in lines if f" {person.email} " in line]
            assert person.role_label in line
            assert f"password: {DEMO_PASSWORD}" in line
            assert "not loaded yet" not in line
        assert any(
            "CSP manager, Norfolk County Community Safety Partnership" in line for line in lines
        )


# --- Guard rails -------------------------------------------------------------------


def test_it_refuses_to_run_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()
    assert not ForceArea.objects.exists()


def test_demo_logins_says_when_the_demo_people_are_not_loaded(db):
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert out.getvalue().count("not loaded yet: run manage.py seed_demo") == len(demo_people())


def test_it_rejects_a_member_missing_from_the_organisations_file(db, monkeypatch):
    call_command("loaddata", "force_areas", verbosity=0)
    real_read = partnerships_loader.read_demo_file

    def read_with_a_typo(name: str):
        data = real_read(name)
        if name == "partnerships.json":
            data["partnerships"][0]["members"][0]["organisation"] = "Breckland Distrcit Council"
        return data

    monkeypatch.setattr(partnerships_loader, "read_demo_file", read_with_a_typo)
    with pytest.raises(DemoDataError, match="Breckland Distrcit Council"):
        partnerships_loader.load_partnerships()


def test_the_loaders_run_reference_data_first_and_people_last():
    names = [loader.__name__ for loader in LOADERS]
    assert names[0] == "load_reference"
    assert names.index("load_partnerships") < names.index("load_people")


# --- Fixture integrity (no database needed) ----------------------------------------


def _instances(path: str, model):
    return [model(pk=row["pk"], **row["fields"]) for row in _read(path)]


def test_the_force_area_fixture_is_valid_and_names_the_right_policing_bodies():
    rows = _read("reference/force_areas.json")
    assert len(rows) == 43
    for field in ("pk",):
        assert len({row[field] for row in rows}) == 43
    for field in ("name", "slug"):
        assert len({row["fields"][field] for row in rows}) == 43
    for area in _instances("reference/force_areas.json", ForceArea):
        area.full_clean(validate_unique=False, validate_constraints=False)
        # Reference data holds no invented people: commissioners are demo data.
        assert area.commissioner_name == ""
    body = {row["fields"]["slug"]: row["fields"]["policing_body"] for row in rows}
    for slug in ("greater-manchester", "west-yorkshire", "north-yorkshire"):
        assert body[slug].startswith("Mayor of")
    assert "MOPAC" in body["london"]
    assert body["city-of-london"].startswith("City of London Corporation")
    assert body["norfolk"] == "Police and Crime Commissioner for Norfolk"


def test_the_statutory_duty_fixture_is_valid_and_covers_the_catalogue():
    duties = _instances("reference/statutory_duties.json", StatutoryDuty)
    for duty in duties:
        duty.full_clean(validate_unique=False, validate_constraints=False)
        assert all((duty.requirement, duty.responsible, duty.evidence, duty.in_force_from))
    codes = [d.code for d in duties]
    assert len(codes) == len(set(codes))
    assert len({d.order for d in duties}) == len(duties)
    assert {
        "CDA98-S6-STRATEGY",
        "SI2007-STRATEGIC-ASSESSMENT",
        "SI2007-PARTNERSHIP-PLAN",
        "SI2007-COMMUNITY-SAFETY-AGREEMENT",
        "SI2007-PUBLIC-MEETING",
        "SI2012-PLAN-TO-PCC",
        "PJA06-S19-SCRUTINY",
        "CDA98-S17",
        "CDA98-S17A-INFORMATION",
        "CDA98-S115-DISCLOSURE",
        "PCA09-S108-REOFFENDING",
        "DVCVA04-S9-DHR",
        "CTSA15-S26-PREVENT",
        "CTSA15-CHANNEL",
        "ASBCPA14-S104-CASE-REVIEW",
        "ASBCPA14-S104-PUBLICATION",
        "PCSCA22-SERIOUS-VIOLENCE",
        "DAA21-PART4-SUPPORT",
    } <= set(codes)


def test_the_demo_partnership_files_are_consistent():
    organisations = _read("demo/organisations.json")["organisations"]
    names = [o["name"] for o in organisations]
    assert len(names) == len(set(names))
    for organisation in organisations:
        Organisation(**organisation).full_clean(validate_unique=False, validate_constraints=False)
    slugs = {row["fields"]["slug"] for row in _read("reference/force_areas.json")}
    seen: set[str] = set()
    for entry in _read("demo/partnerships.json")["partnerships"]:
        assert entry["tier"] in Partnership.Tier.values
        assert entry["force_area"] in slugs
        assert entry.get("parent", "") in seen | {""}, "a parent comes before its children"
        members = [m["organisation"] for m in entry.get("members", [])]
        assert len(members) == len(set(members)), entry["slug"]
        assert set(members) <= set(names), entry["slug"]
        assert {m["kind"] for m in entry.get("members", [])} <= set(Membership.Kind.values)
        boards: set[str] = set()
        for board in entry.get("boards", []):
            assert board["kind"] in Board.Kind.values
            assert board.get("reports_to", "") in boards | {""}
            assert board["name"] not in boards
            boards.add(board["name"])
        seen.add(entry["slug"])


# People named in the seed documents (public papers). None of them may appear in the
# demo data: demo people, chairs and commissioners all get invented names.
REAL_NAMES_IN_THE_SEEDS = (
    "Stephen Bett",
    "Jenny McKibben",
    "Laura McGillivray",
    "Nick Dean",
    "Chris Small",
    "Kate Biles",
    "Lucy MacLeod",
    "Anne-Louise Schofield",
    "Stephanie Butcher",
    "Martin Graham",
    "Ian Sturgess",
    "Frances Howie",
    "Paul Kinsella",
    "Sue Hanley",
    "Rose Rouse",
    "Tim Rice",
    "Andrew Gough",
    "John Campion",
    "Brian Wilcox",
    "Andy Champness",
    "Andy Boulting",
    "Philippa Davey",
    "Sarah Hopkins",
    "Judith Harwood",
    "Heather Welch",
    "Ben Deer",
    "Charlie Pitman",
    "Pete Aley",
    "Elizabeth Spence",
    "Khalid Ahmed",
    "Josie Wragg",
    "Sarah Grahame",
    # Named in the Norfolk return and papers (the demo plans and returns use others).
    "Sarah Blyth",
    "Gaynor Mears",
    "Karen Haywood",
    "Chris Walton",
    "Mel Joyner",
    "Bronwyn Prosser",
)


def test_no_real_person_from_the_seed_documents_is_in_the_demo_data():
    text = " ".join(
        path.read_text(encoding="utf-8").lower() for path in sorted(FIXTURES.rglob("*.json"))
    )
    assert [name for name in REAL_NAMES_IN_THE_SEEDS if name.lower() in text] == []
