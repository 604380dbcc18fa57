"""/api/v1/returns/: reading returns and writing measure values, with the pages' rules."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.urls import reverse
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token

from performance.models import MeasureValue, ReturnSection
from performance.services import return_section_save
from priorities.models import Measure
from tests.performance.builders import adopted_plan
from tests.performance.insight_builders import make_return

LIST = "/api/v1/returns/"


def detail(ret):
    return f"/api/v1/returns/{ret.code}/"


def value_url(ret, priority="A", measure="(i)"):
    mv = MeasureValue.objects.select_related("measure").get(
        section__performance_return=ret, section__priority__code=priority, measure__code=measure
    )
    return f"/api/v1/returns/{ret.code}/measure-values/{mv.measure.lineage}/"


def patch(client, url, body, raw=False):
    return client.patch(url, body if raw else json.dumps(body), content_type="application/json")


@pytest.fixture
def returns(world):
    """home: Q1 approved, Q2 draft; neighbour: Q1 draft; away: Q1 approved."""
    for p in (world.home, world.neighbour, world.away):
        adopted_plan(p)
    return {
        "home_q1": make_return(world.home, quarter=1, state="approved"),
        "home_q2": make_return(world.home, quarter=2, state="draft"),
        "neighbour_q1": make_return(world.neighbour, quarter=1, state="draft"),
        "away_q1": make_return(world.away, quarter=1, state="approved"),
    }


def codes(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {r["code"] for r in response.json()["results"]}


# Reading ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("viewer", {"home_q1", "home_q2"}),
        ("officer", {"home_q1", "home_q2"}),
        ("manager", {"home_q1", "home_q2"}),
        ("scrutiny", {"home_q1"}),
        ("dhr_panel", {"home_q1"}),
        # Force-area roles read approved returns across the area.
        ("pcc_reviewer", {"home_q1"}),
        ("panel_member", {"home_q1"}),
        ("other_partnership", {"neighbour_q1"}),
        ("other_area_pcc", {"away_q1"}),
        ("site_admin", {"home_q1", "home_q2", "neighbour_q1", "away_q1"}),
    ],
)
def test_the_list_holds_the_returns_each_person_may_see(
    world, client_for, returns, persona, expected
):
    assert codes(client_for(persona).get(LIST)) == {str(returns[k].code) for k in expected}


def test_anonymous_callers_are_asked_to_authenticate(world, client_for, returns):
    response = client_for("anonymous").get(LIST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_token_works_like_a_session(world, client, returns):
    token = Token.objects.create(user=world.person("officer"))
    response = client.get(LIST, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert codes(response) == {str(returns["home_q1"].code), str(returns["home_q2"].code)}


def test_the_list_filters_by_partnership_period_and_status(world, client_for, returns):
    client = client_for("site_admin")
    assert codes(client.get(LIST, {"partnership": world.home.slug})) == {
        str(returns["home_q1"].code),
        str(returns["home_q2"].code),
    }
    assert codes(client.get(LIST, {"period": "2013-q2"})) == {str(returns["home_q2"].code)}
    assert codes(client.get(LIST, {"status": "draft", "partnership": world.neighbour.slug})) == {
        str(returns["neighbour_q1"].code)
    }
    bad = client.get(LIST, {"period": "Q2"})
    assert bad.status_code == 400
    assert "period" in bad.json()
    assert client.get(LIST, {"status": "lost"}).status_code == 400


def test_the_list_describes_each_return(world, client_for, returns):
    [row] = client_for("scrutiny").get(LIST).json()["results"]
    assert row["partnership"] == world.home.slug
    assert row["period"] == "2013-q1"
    assert row["period_label"] == "Q1 2013/14"
    assert row["status"] == "approved"
    assert row["queried"] is False
    assert row["submission_deadline"] == "2013-08-11"
    assert row["url"].endswith(detail(returns["home_q1"]))


def test_the_detail_has_sections_measure_values_and_rag(world, client_for):
    adopted_plan(world.home)
    ret = make_return(
        world.home, state="approved", values={("A", "(i)"): Decimal(150)}, assessed="amber"
    )
    body = client_for("scrutiny").get(detail(ret)).json()
    assert [s["priority_code"] for s in body["sections"]] == ["A", "B"]
    a = body["sections"][0]
    assert a["assessed_rag"] == "amber"
    assert a["suggested_rag"] == "red"
    assert a["summary"] == "Priority crime is below target."
    first = a["measure_values"][0]
    assert first["measure_code"] == "(i)"
    assert first["value"] == "150.00"
    assert first["target"] == "100.00"
    assert first["calculated_rag"] == "red"
    assert first["measure"] == str(
        Measure.objects.get(
            priority__plan__partnership=world.home, priority__code="A", code="(i)"
        ).lineage
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("officer", 200),
        ("viewer", 200),
        ("scrutiny", 403),
        ("pcc_reviewer", 403),
        ("other_partnership", 404),
        ("other_area_pcc", 404),
        ("anonymous", 401),
    ],
)
def test_who_can_read_a_draft(world, client_for, returns, persona, status):
    assert client_for(persona).get(detail(returns["home_q2"])).status_code == status
    assert (
        client_for(persona).get(f"{detail(returns['home_q2'])}measure-values/").status_code
        == status
    )


def test_an_unknown_return_is_a_404(world, client_for):
    assert (
        client_for("officer")
        .get("/api/v1/returns/00000000-0000-0000-0000-000000000000/")
        .status_code
        == 404
    )
    assert client_for("officer").get("/api/v1/returns/not-a-code/").status_code == 404


def test_the_measure_values_of_a_return(world, client_for, returns):
    body = client_for("viewer").get(f"{detail(returns['home_q1'])}measure-values/").json()
    assert [(v["priority_code"], v["measure_code"]) for v in body] == [
        ("A", "(i)"),
        ("A", "(ii)"),
        ("B", "(i)"),
        ("B", "(ii)"),
    ]
    assert body[0]["section_revision"] == 2


# Writing ----------------------------------------------------------------------------


@pytest.fixture
def draft(world):
    adopted_plan(world.home)
    return make_return(world.home, state="started")


@pytest.mark.parametrize("persona", ["officer", "manager"])
def test_officers_and_managers_change_a_value_and_the_rag_is_recalculated(
    world, client_for, draft, persona
):
    response = patch(client_for(persona), value_url(draft), {"value": "150", "note": "Up"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["value"] == "150.00"
    assert body["note"] == "Up"
    assert body["calculated_rag"] == "red"
    assert body["section_suggested_rag"] == "red"
    assert body["section_revision"] == 2
    mv = MeasureValue.objects.get(
        section__performance_return=draft, section__priority__code="A", measure__code="(i)"
    )
    assert mv.value == Decimal(150)
    assert mv.history.first().history_user == world.person(persona)


def test_no_data_with_a_reason(world, client_for, draft):
    response = patch(
        client_for("officer"), value_url(draft), {"no_data": True, "no_data_reason": "Not yet"}
    )
    assert response.status_code == 200
    assert response.json()["no_data"] is True


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("viewer", 403),
        ("scrutiny", 403),
        ("dhr_panel", 403),
        ("pcc_reviewer", 403),
        ("panel_member", 403),
        ("other_partnership", 404),
        ("other_area_pcc", 404),
        ("anonymous", 401),
    ],
)
def test_people_who_cannot_change_values(world, client_for, draft, persona, status):
    url = value_url(draft)
    response = patch(client_for(persona), url, {"value": "1"})
    assert response.status_code == status
    assert not MeasureValue.objects.filter(value=1).exists()


@pytest.mark.parametrize(
    ("state", "reason"),
    [("submitted", "submitted for sign-off"), ("approved", "approved, so it is frozen")],
)
def test_a_return_that_is_not_a_draft_cannot_be_changed(world, client_for, state, reason):
    adopted_plan(world.home)
    ret = make_return(world.home, state=state)
    response = patch(client_for("manager"), value_url(ret), {"value": "1"})
    assert response.status_code == 403
    assert reason in response.json()["detail"]
    assert not MeasureValue.objects.filter(value=1).exists()


def test_a_stale_revision_is_a_conflict(world, client_for, draft):
    section = draft.sections.get(priority__code="A")
    mv = section.values.get(measure__code="(i)")
    return_section_save(
        section=section,
        revision=section.revision,
        fields={},
        values={mv.pk: {"value": Decimal(70)}},
        by=world.person("manager"),
    )
    response = patch(client_for("officer"), value_url(draft), {"value": "95", "revision": 1})
    assert response.status_code == 409
    body = response.json()
    assert "Manager saved this section" in body["detail"]
    assert body["revision"] == 2
    assert MeasureValue.objects.get(pk=mv.pk).value == Decimal(70)
    # With the current revision it goes through.
    assert (
        patch(client_for("officer"), value_url(draft), {"value": "95", "revision": 2}).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"value": "lots"}, "value"),
        ({"value": [1]}, "value"),
        ({"value": "1.234"}, "value"),
        ({"value": "NaN"}, "value"),
        ({"ytd_value": {"a": 1}}, "ytd_value"),
        ({"no_data": "perhaps"}, "no_data"),
        ({"note": "x" * 501}, "note"),
        ({"revision": "first"}, "revision"),
        ({"value": 5}, "value"),
        ({"no_data": "true"}, "no_data"),
        ({"target": "5"}, "target"),
    ],
)
def test_bad_input_gets_field_errors(world, client_for, draft, body, field):
    response = patch(client_for("officer"), value_url(draft), body)
    assert response.status_code == 400, response.content
    errors = response.json()
    assert field in errors, errors
    assert isinstance(errors[field], list)
    assert not MeasureValue.objects.filter(
        section__performance_return=draft, value__isnull=False
    ).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"value": "5", "no_data": True, "no_data_reason": "x"}, "value"),
        ({"no_data": True}, "no_data_reason"),
    ],
)
def test_a_change_that_breaks_a_rule_of_the_stored_value_is_a_conflict(
    world, client_for, draft, body, field
):
    """Well-formed JSON whose result breaks a rule given what is stored: 409, with the
    field errors and the section's revision (the schema documents this)."""
    response = patch(client_for("officer"), value_url(draft), body)
    assert response.status_code == 409, response.content
    errors = response.json()
    assert isinstance(errors[field], list)
    assert errors["revision"] == 1


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '"value"', "null"])
def test_a_body_that_is_not_an_object_is_a_400(world, client_for, draft, raw):
    response = patch(client_for("officer"), value_url(draft), raw, raw=True)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


def test_a_percentage_out_of_range(world, client_for):
    adopted_plan(world.home, priorities=1, measures=1)
    Measure.objects.update(unit=Measure.Unit.PERCENTAGE)
    ret = make_return(world.home, state="started")
    response = patch(client_for("officer"), value_url(ret), {"value": "101"})
    assert response.status_code == 409
    assert response.json() == {"value": ["A percentage must be between 0 and 100."], "revision": 1}


def test_an_assessment_the_value_contradicts_needs_a_justification(world, client_for):
    adopted_plan(world.home)
    ret = make_return(world.home, state="draft", assessed="green")
    ReturnSection.objects.update(rag_justification="")
    response = patch(client_for("officer"), value_url(ret), {"value": "150"})
    assert response.status_code == 409
    assert "rag_justification" in response.json()


def test_unknown_measures_and_returns_are_404(world, client_for, draft):
    client = client_for("officer")
    base = f"/api/v1/returns/{draft.code}/measure-values/"
    assert (
        patch(client, base + "00000000-0000-0000-0000-000000000000/", {"value": "1"}).status_code
        == 404
    )
    assert patch(client, base + "A-(i)/", {"value": "1"}).status_code == 404
    other = "/api/v1/returns/00000000-0000-0000-0000-000000000000/measure-values/"
    lineage = value_url(draft).rstrip("/").rsplit("/", 1)[-1]
    assert patch(client, f"{other}{lineage}/", {"value": "1"}).status_code == 404


def test_another_partnerships_measure_is_not_found_in_this_return(world, client_for, draft):
    adopted_plan(world.neighbour)
    neighbour = make_return(world.neighbour, state="started")
    their_measure = value_url(neighbour).rstrip("/").rsplit("/", 1)[-1]
    url = f"/api/v1/returns/{draft.code}/measure-values/{their_measure}/"
    assert patch(client_for("officer"), url, {"value": "1"}).status_code == 404


# The schema -------------------------------------------------------------------------


def test_the_schema_documents_the_return_endpoints_without_warnings(world, client_for):
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    problems = [
        m
        for m in [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
        if any(word in m for word in ("performance", "Return", "MeasureValue", "Rag", "measure"))
    ]
    assert problems == []
    paths = schema["paths"]
    assert set(paths) >= {
        "/api/v1/returns/",
        "/api/v1/returns/{code}/",
        "/api/v1/returns/{code}/measure-values/",
        "/api/v1/returns/{code}/measure-values/{measure}/",
    }
    patch_op = paths["/api/v1/returns/{code}/measure-values/{measure}/"]["patch"]
    body = patch_op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("MeasureValueUpdate")
    assert set(patch_op["responses"]) == {"200", "400", "401", "403", "404", "409", "413", "415"}
    update = schema["components"]["schemas"]["PatchedMeasureValueUpdate"]
    assert set(update["properties"]) == {
        "value",
        "ytd_value",
        "national_comparator",
        "note",
        "no_data",
        "no_data_reason",
        "revision",
    }
    assert schema["components"]["schemas"]["Rag"]["enum"] == ["red", "amber", "green", ""]
    params = {p["name"] for p in paths["/api/v1/returns/"]["get"]["parameters"]}
    assert {"partnership", "period", "status"} <= params
    # And the schema is served at its documented address.
    assert client_for("anonymous").get(reverse("api_schema")).status_code == 200
