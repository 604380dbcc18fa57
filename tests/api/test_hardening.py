"""Hostile input to the API answers 4xx with a JSON body, never 500 (issue 7, points 1, 3,
5, 19, 20) and the object lookup is decided by CapabilityPermission (issue 8, point 3)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIRequestFactory

from csp_portal.lib.api import MAX_JSON_DEPTH, MAX_PAGE_SIZE, CapabilityPermission
from csp_portal.lib.decisions import Decision
from performance.api import ReturnViewSet
from performance.models import MeasureValue
from priorities.api import ActionViewSet, MeasureViewSet, PlanViewSet, PriorityViewSet
from tests.performance.builders import adopted_plan
from tests.performance.insight_builders import make_return
from tests.priorities.factories import PlanFactory

LISTS = ["/api/v1/plans/", "/api/v1/priorities/", "/api/v1/actions/", "/api/v1/measures/"]
LISTS.append("/api/v1/returns/")
VIEWSETS = [PlanViewSet, PriorityViewSet, ActionViewSet, MeasureViewSet, ReturnViewSet]


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


@pytest.fixture
def draft(world):
    adopted_plan(world.home)
    ret = make_return(world.home, state="started")
    mv = (
        MeasureValue.objects.select_related("measure")
        .filter(section__performance_return=ret)
        .order_by("pk")
        .first()
    )
    return ret, mv, f"/api/v1/returns/{ret.code}/measure-values/{mv.measure.lineage}/"


# Point 1: pagination bounds ---------------------------------------------------------------


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": str(2**63)}, "limit"),
        ({"limit": str(2**64 + 1)}, "limit"),
        ({"limit": str(MAX_PAGE_SIZE + 1)}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "-1"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"limit": ""}, "limit"),
        ({"offset": str(2**63)}, "offset"),
        ({"offset": "-5"}, "offset"),
        ({"offset": "1e3"}, "offset"),
    ],
)
def test_out_of_range_pages_are_a_400_on_every_list(world, client_for, url, params, field):
    body = assert_json_error(client_for("officer").get(url, params), 400)
    assert list(body) == [field]
    assert str(MAX_PAGE_SIZE) in body[field][0] or field == "offset"


def test_the_largest_page_is_served(world, client_for):
    adopted_plan(world.home)
    response = client_for("officer").get("/api/v1/plans/", {"limit": MAX_PAGE_SIZE})
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert client_for("officer").get("/api/v1/plans/", {"offset": 10**9}).status_code == 200


def test_every_viewset_pages_with_the_one_bounded_class(world):
    from django.conf import settings

    assert settings.REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"] == "csp_portal.lib.api.Pagination"
    for viewset in VIEWSETS:
        assert viewset.pagination_class.__name__ == "Pagination"


# Point 3: JSON that cannot be text, or nests too deep -------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b'{"\\udfff": 1}',
        b'{"note": "\\ud800"}',
        b'{"note": "ok", "x": ["\\udbff"]}',
        b"[" * 100000,
        b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1),
        b'{"a":' * 50 + b"1" + b"}" * 50,
        b"\xff\xfe",
    ],
)
def test_json_that_cannot_be_accepted_is_a_400(world, client_for, draft, raw):
    ret, mv, url = draft
    response = client_for("officer").patch(url, raw, content_type="application/json")
    body = assert_json_error(response, 400)
    assert body["detail"].startswith("JSON parse error")
    mv.refresh_from_db()
    assert mv.note == ""


def test_the_renderer_cannot_fail_on_a_lone_surrogate():
    from csp_portal.lib.api import JSONRenderer

    assert json.loads(JSONRenderer().render({"\udfff": ["x\ud800"]})) == {"\ufffd": ["x\ufffd"]}


def test_nesting_up_to_the_limit_is_parsed(world, client_for, draft):
    ret, mv, url = draft
    nested = {"note": "deep"}
    for _ in range(MAX_JSON_DEPTH - 2):
        nested = {"x": nested}
    body = assert_json_error(
        client_for("officer").patch(url, json.dumps(nested), content_type="application/json"),
        400,
    )
    assert body == {"x": ["This field is not known, or cannot be changed."]}


# Point 5: DRF's own errors are JSON --------------------------------------------------------


def test_an_unknown_format_on_the_schema_is_a_json_404(world):
    body = assert_json_error(Client().get("/api/v1/schema/", {"format": "bogus"}), 404)
    assert body == {"detail": "Not found."}
    assert Client().get("/api/v1/schema/", {"format": "json"}).status_code == 200


def test_drf_404_405_406_415_are_json(world, client_for, draft):
    ret, mv, url = draft
    client = client_for("officer")
    assert_json_error(client.get("/api/v1/plans/not-a-uuid/"), 404)
    assert_json_error(client.get("/api/v1/returns/x.y/measure-values/z.w/"), 404)
    assert_json_error(client.get("/api/v1/plans/", {"format": "bogus"}), 404)
    assert_json_error(client.delete(url), 405)
    assert_json_error(client.get(url, HTTP_ACCEPT="text/html"), 406)
    assert_json_error(client.patch(url, "value=1", content_type="text/plain"), 415)


# Point 19: JSON-only writes, partial updates -----------------------------------------------


def test_a_form_encoded_or_multipart_patch_is_refused_and_changes_nothing(world, client_for, draft):
    ret, mv, url = draft
    client = client_for("officer")
    assert client.patch(
        url, json.dumps({"no_data": True, "no_data_reason": "Not yet"}), "application/json"
    ).json()["no_data"]
    form = client.patch(url, "note=x", content_type="application/x-www-form-urlencoded")
    assert "Unsupported media type" in assert_json_error(form, 415)["detail"]
    boundary = "BoUnDaRy"
    multipart = f'--{boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nx\r\n--{boundary}--\r\n'
    response = client.patch(
        url, multipart, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert_json_error(response, 415)
    mv.refresh_from_db()
    assert mv.no_data is True
    assert mv.no_data_reason == "Not yet"
    assert mv.note == ""


def test_a_partial_update_keeps_what_it_does_not_name(world, client_for, draft):
    ret, mv, url = draft
    client = client_for("officer")
    client.patch(url, json.dumps({"value": "70", "note": "First"}), "application/json")
    response = client.patch(url, json.dumps({"ytd_value": "140"}), "application/json")
    assert response.status_code == 200, response.content
    mv.refresh_from_db()
    assert (str(mv.value), str(mv.ytd_value), mv.note, mv.no_data) == (
        "70.00",
        "140.00",
        "First",
        False,
    )
    # A PATCH that names nothing changes nothing.
    unchanged = client.patch(url, "{}", "application/json")
    assert unchanged.status_code == 200
    assert unchanged.json()["note"] == "First"


@pytest.mark.parametrize(
    "body", [{"no_data": "true"}, {"no_data": 1}, {"value": 95}, {"note": 5}, {"revision": "2"}]
)
def test_json_types_are_not_coerced(world, client_for, draft, body):
    ret, mv, url = draft
    response = client_for("officer").patch(url, json.dumps(body), "application/json")
    assert list(assert_json_error(response, 400)) == list(body)


# Point 20: the schema says what the server does -------------------------------------------


@pytest.fixture
def schema(db):
    return SchemaGenerator().get_schema(request=None, public=True)


def test_every_operation_documents_its_errors_and_an_example(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            expected = {"400", "401", "403", "404"}
            if method != "get":
                expected |= {"409", "413", "415"}
            assert expected <= set(responses), (method, path)
            for code in expected:
                assert "schema" in responses[code]["content"]["application/json"], (path, code)
            assert "WWW-Authenticate" in responses["401"]["headers"]
            ok = responses["200"]["content"]["application/json"]
            assert ok.get("examples"), (method, path)
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    assert parameter["schema"]["pattern"], (path, parameter["name"])


def test_nullable_names_and_rag_enums(schema):
    components = schema["components"]["schemas"]
    for component, field in [
        ("Plan", "previous"),
        ("Plan", "adopted_by"),
        ("Priority", "sponsor"),
        ("Action", "lead_organisation"),
        ("Action", "lead_board"),
    ]:
        assert components[component]["properties"][field]["nullable"] is True, (component, field)
    assert "" in components["Rag"]["enum"]
    assert "PaginatedMeasureValueResultList" not in components
    measure_values = schema["paths"]["/api/v1/returns/{code}/measure-values/"]["get"]
    ok = measure_values["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["type"] == "array"
    limit = next(
        p for p in schema["paths"]["/api/v1/plans/"]["get"]["parameters"] if p["name"] == "limit"
    )
    assert limit["schema"]["maximum"] == MAX_PAGE_SIZE


# Issue 8 point 3: the permission class decides --------------------------------------------


def test_every_viewset_uses_the_capability_permission():
    for viewset in VIEWSETS:
        assert viewset.permission_classes == [CapabilityPermission], viewset


def test_the_permission_class_answers_404_and_403_from_the_rules(world):
    from rest_framework import exceptions

    adopted_plan(world.home)
    draft = PlanFactory(partnership=world.home, version=2)
    view = PlanViewSet()
    request = APIRequestFactory().get("/")
    permission = CapabilityPermission()
    request.user = world.person("other_partnership")
    with pytest.raises(exceptions.NotFound):
        permission.has_object_permission(request, view, draft)
    request.user = world.person("scrutiny")
    with pytest.raises(exceptions.PermissionDenied, match="Draft plans are only shown"):
        permission.has_object_permission(request, view, draft)
    request.user = world.person("officer")
    assert permission.has_object_permission(request, view, draft)


def test_a_rule_named_by_the_viewset_is_what_denies(world, client_for, monkeypatch):
    plan = adopted_plan(world.home)
    url = f"/api/v1/plans/{plan.code}/"
    assert client_for("officer").get(url).status_code == 200
    monkeypatch.setattr(PlanViewSet, "read_rules", (lambda user, plan: Decision.deny("No."),))
    body = assert_json_error(client_for("officer").get(url), 403)
    assert body == {"detail": "No."}


# NUL in what the API itself reads (h1's middleware refuses it earlier, for every URL) ------


@pytest.mark.parametrize("url", LISTS)
def test_a_nul_in_the_partnership_filter_is_a_400(world, client_for, url):
    # The request guard (csp_portal.lib.middleware) refuses it before the view's own check.
    body = assert_json_error(client_for("officer").get(url, {"partnership": "a\x00b"}), 400)
    assert "NUL" in body["detail"] or "null" in body["detail"].lower()


@pytest.mark.parametrize("key", ["x" * 40, "0" * 39])
def test_a_key_that_cannot_be_a_token_is_a_401(world, key):
    """(A key with a NUL never gets this far: the request guard answers 400.)"""
    response = Client().get("/api/v1/plans/", HTTP_AUTHORIZATION=f"Token {key}")
    assert assert_json_error(response, 401) == {"detail": "Invalid token."}
