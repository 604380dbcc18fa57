"""The request layer: what the portal refuses before any view runs, how it answers errors
under /api/, the missing-slash redirect and Cache-Control (docs/hardening.md)."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.accounts.factories import PASSWORD

API_LISTS = [
    "/api/v1/plans/",
    "/api/v1/priorities/",
    "/api/v1/actions/",
    "/api/v1/measures/",
    "/api/v1/returns/",
]
SIGN_IN = "/accounts/sign-in/"


def _is_json_error(response, status: int) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert set(body) == {"detail"}
    return body


def _is_govuk_page(response, status: int, heading: str) -> str:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert 'class="govuk-generic-header"' in html  # the portal's own layout
    assert heading in html
    return html


# NUL bytes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", API_LISTS)
def test_a_nul_in_an_api_query_parameter_is_a_json_400(client_for, url):
    client = client_for("officer")

    response = client.get(url, {"partnership": "\x00"})

    body = _is_json_error(response, 400)
    assert "NUL" in body["detail"]
    assert "query string" in body["detail"]


@pytest.mark.parametrize("name", ["officer", "anonymous"])
def test_a_nul_in_a_page_query_parameter_is_a_govuk_400_page(client_for, name):
    client = client_for(name)

    response = client.get(reverse("partnerships:directory") + "?q=%00")

    _is_govuk_page(response, 400, "There is a problem with the request")


@pytest.mark.parametrize(
    "url", ["/health.json", "/health/", SIGN_IN, "/", "/partnerships/", *API_LISTS[:1]]
)
def test_a_nul_in_the_session_cookie_is_a_400_on_every_url(world, client, url):
    anonymous = client.get(url, HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}=abc\x00")
    assert anonymous.status_code == 400

    client.force_login(world.person("officer"))
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    signed_in = client.get(url, HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}={key}\x00")
    assert signed_in.status_code == 400
    if url.startswith("/api/"):
        _is_json_error(signed_in, 400)


def test_a_nul_in_any_cookie_is_refused_even_written_as_an_octal_escape(client):
    # Django's cookie parser turns "\000" inside quotes into NUL.
    assert client.get(SIGN_IN, HTTP_COOKIE='other="abc\\000"').status_code == 400
    assert client.get(SIGN_IN, HTTP_COOKIE="other=abc").status_code == 200


def test_a_nul_in_an_api_token_is_a_json_400(world, client):
    Token.objects.create(user=world.person("officer"))

    response = client.get(API_LISTS[0], HTTP_AUTHORIZATION="Token a\x00b")

    assert "header" in _is_json_error(response, 400)["detail"]


def test_a_nul_in_any_header_is_refused(client):
    assert client.get(SIGN_IN, HTTP_USER_AGENT="browser\x00").status_code == 400


def test_a_nul_in_the_path_is_refused(client_for):
    client = client_for("officer")

    _is_govuk_page(client.get("/partnerships/%00/"), 400, "There is a problem with the request")
    _is_json_error(client.get("/api/v1/plans/%00/"), 400)


def test_a_nul_in_a_posted_form_field_is_refused_before_the_sign_in_counts_it(world, client):
    response = client.post(SIGN_IN, {"username": "officer@example.org\x00", "password": "x"})

    html = _is_govuk_page(response, 400, "There is a problem with the request")
    assert "a form field" in html
    from axes.models import AccessAttempt

    assert not AccessAttempt.objects.exists()  # refused before django-axes saw it


def test_a_nul_in_a_multipart_or_a_form_encoded_field_is_refused(client_for):
    client = client_for("officer")

    multipart = client.post("/partnerships/", {"note": "a\x00b"})
    encoded = client.patch("/api/v1/plans/", "note=a%00b", "application/x-www-form-urlencoded")

    assert multipart.status_code == 400
    assert "form field" in _is_json_error(encoded, 400)["detail"]


def test_a_json_string_escaping_nul_is_refused_and_an_escaped_backslash_is_not(client_for):
    client = client_for("officer")

    refused = client.post(API_LISTS[0], '{"title": "a\\u0000"}', content_type="application/json")
    passed = client.post(API_LISTS[0], '{"title": "a\\\\u0000"}', content_type="application/json")

    assert "JSON" in _is_json_error(refused, 400)["detail"]
    assert passed.status_code == 405  # reached the view, which lists but does not create


def _raw_request(live_server, request: bytes) -> tuple[int, bytes]:
    """Bytes on the wire, past anything Django's test client might tidy."""
    address = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    connection.connect()
    connection.sock.sendall(request)
    response = http.client.HTTPResponse(connection.sock)
    response.begin()
    body = response.read()
    connection.close()
    return response.status, body


@pytest.mark.parametrize(
    ("line", "header"),
    [
        (b"GET /health.json", b"Cookie: sessionid=abc\x00"),
        (b"GET /accounts/sign-in/", b"Cookie: sessionid=abc\x00"),
        (b"GET /api/v1/plans/", b"Authorization: Token a\x00b"),
        (b"GET /api/v1/plans/?partnership=%00", b"Accept: application/json"),
    ],
)
def test_the_live_server_refuses_nul_in_raw_requests(live_server, transactional_db, line, header):
    status, body = _raw_request(
        live_server,
        line + b" HTTP/1.1\r\nHost: localhost\r\n" + header + b"\r\nConnection: close\r\n\r\n",
    )

    assert status == 400
    if b"/api/" in line:
        assert "NUL" in json.loads(body)["detail"]


# The missing slash -------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_write_without_the_trailing_slash_is_a_404_under_debug(client_for, settings, method):
    settings.DEBUG = True
    client = client_for("officer")

    for url in ("/api/v1/plans", SIGN_IN.rstrip("/"), "/partnerships"):
        response = getattr(client, method)(url, {})
        assert response.status_code == 404, (method, url)


def test_a_write_without_the_trailing_slash_is_a_json_404_under_the_api(client_for):
    client = client_for("officer")

    _is_json_error(client.post("/api/v1/plans", {}), 404)
    _is_json_error(client.patch("/api/v1/plans", {}), 404)


def test_a_get_without_the_trailing_slash_still_redirects(client_for, settings):
    settings.DEBUG = True
    client = client_for("officer")

    response = client.get("/partnerships")

    assert response.status_code == 301
    assert response["Location"] == "/partnerships/"


# Errors under /api/ ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["officer", "anonymous"])
def test_an_unmatched_api_path_is_a_json_404(client_for, name):
    client = client_for(name)

    assert _is_json_error(client.get("/api/v1/nothing-here/"), 404) == {"detail": "Not found."}
    _is_json_error(client.get("/api/elsewhere/"), 404)


def test_an_unmatched_page_is_still_the_govuk_404_page(client_for):
    response = client_for("officer").get("/nothing-here/")

    _is_govuk_page(response, 404, "Page not found")


def test_a_body_over_the_limit_is_a_413_without_being_read(client_for):
    client = client_for("officer")
    too_big = settings.REQUEST_BODY_MAX_BYTES + 1

    api = client.generic("POST", API_LISTS[0], b"", CONTENT_LENGTH=str(too_big))
    page = client.generic(
        "POST", SIGN_IN, b"", CONTENT_LENGTH=str(too_big), content_type="multipart/form-data"
    )

    assert "larger than" in _is_json_error(api, 413)["detail"]
    _is_govuk_page(page, 413, "What you sent is too large")


def test_a_body_over_the_form_data_limit_is_a_413(client_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = client_for("officer")
    body = json.dumps({"title": "x" * 2000})

    api = client.post(API_LISTS[0], body, content_type="application/json")
    page = client.post(reverse("partnerships:directory"), {"q": "x" * 2000})

    assert "1000 bytes" in _is_json_error(api, 413)["detail"]
    _is_govuk_page(page, 413, "What you sent is too large")


def test_too_many_fields_is_a_json_400_under_the_api(client_for, settings):
    fields = {f"field{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    client = client_for("officer")

    posted = client.post(API_LISTS[0], fields)
    queried = client.get(API_LISTS[0], fields)

    assert _is_json_error(posted, 400) == {"detail": "The request has too many fields."}
    assert _is_json_error(queried, 400) == {"detail": "The request has too many fields."}
    _is_govuk_page(client.post("/partnerships/", fields), 400, "more fields than")


@pytest.mark.urls("tests.hardening.urls")
def test_a_fault_in_a_view_is_a_json_500_under_the_api_and_the_page_elsewhere(world):
    client = Client(raise_request_exception=False)

    _is_json_error(client.get("/api/v1/broken/"), 500)
    page = client.get("/broken/")
    assert page.status_code == 500
    assert "Sorry, there is a problem with the service" in page.content.decode()


@pytest.mark.urls("tests.hardening.urls")
def test_a_refusal_outside_drf_is_a_json_403_under_the_api_and_the_page_elsewhere(world):
    client = Client()

    body = _is_json_error(client.get("/api/v1/forbidden/"), 403)
    page = _is_govuk_page(client.get("/forbidden/"), 403, "You cannot do this")

    assert body == {"detail": "Only the partnership's manager can do this."}
    assert "Only the partnership&#x27;s manager can do this." in page


# Cache-Control ----------------------------------------------------------------------------


def _directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


def test_signed_in_pages_and_api_responses_are_private_and_not_stored(world, client_for):
    client = client_for("officer")
    responses = [
        client.get(reverse("home")),
        client.get(reverse("partnerships:directory")),
        client.get(reverse("accessibility")),  # public, but this one shows who is signed in
        client.get(API_LISTS[0]),
        client.get("/api/v1/nothing-here/"),
        client.get("/nothing-here/"),
    ]
    token = Token.objects.create(user=world.person("manager"))
    client.logout()
    responses.append(client.get(API_LISTS[1], HTTP_AUTHORIZATION=f"Token {token.key}"))

    for response in responses:
        assert response["Cache-Control"] == "private, no-store", response.wsgi_request.path


def test_every_api_response_and_every_response_setting_a_cookie_is_not_stored(client):
    assert client.get(API_LISTS[0])["Cache-Control"] == "private, no-store"  # a 401
    sign_in = client.get(SIGN_IN)
    assert sign_in.cookies  # the CSRF cookie its form's token belongs to
    assert {"private", "no-store"} <= _directives(sign_in)  # Django's LoginView: never_cache


def test_a_no_store_header_a_view_set_itself_is_kept(client):
    response = client.get("/health.json")

    assert "no-store" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]  # never_cache's, not ours


def test_anonymous_public_pages_and_static_files_stay_cacheable(client, db):
    accessibility = client.get(reverse("accessibility"))
    stylesheet = client.get("/static/images/favicon.svg")

    assert accessibility.status_code == 200
    assert not accessibility.cookies
    assert "Cache-Control" not in accessibility
    assert stylesheet.status_code == 200
    assert "no-store" not in stylesheet.get("Cache-Control", "")


def test_a_refusal_from_the_guard_is_not_stored_either(client):
    assert client.get(SIGN_IN + "?q=%00")["Cache-Control"] == "private, no-store"


def test_signing_in_with_the_right_password_still_works_through_the_guard(world, client):
    officer = world.person("officer")

    response = client.post(SIGN_IN, {"username": officer.email, "password": PASSWORD})

    assert response.status_code == 302
    assert {"private", "no-store"} <= _directives(response)
