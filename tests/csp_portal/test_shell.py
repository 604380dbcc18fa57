"""The GOV.UK shell (issue 2, point 9): the generic header with no crown and no GDS
Transport, navigation that shows only what the person may reach, error pages in the
portal's style, the accessibility statement and the footer."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client
from django.urls import path, reverse

from csp_portal.templatetags.portal import duration
from tests.accounts.factories import UserFactory


def _nav(response) -> list[str]:
    return [item["text"] for item in response.context["navigation"]]


def _nav_links(html: str) -> list[str]:
    menu = re.search(r'<nav aria-label="Menu".*?</nav>', html, re.S)
    return (
        re.findall(
            r'class="govuk-service-navigation__link" href="[^"]+"[^>]*>(?:<strong[^>]*>)?([^<]+)',
            menu.group(0),
        )
        if menu
        else []
    )


# Navigation ----------------------------------------------------------------------------------


def test_someone_with_no_role_is_not_offered_the_partnerships_link(db, client):
    client.force_login(UserFactory(), backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("home"))
    assert _nav(response) == []
    html = response.content.decode()
    assert _nav_links(html) == []
    assert "You do not have a role in any partnership yet." in html


@pytest.mark.parametrize("persona", ["viewer", "officer", "manager", "panel_member"])
def test_someone_with_a_role_is_offered_partnerships_but_not_site_administration(
    world, client_for, persona
):
    response = client_for(persona).get(reverse("home"))
    assert _nav(response) == ["Partnerships"]
    assert _nav_links(response.content.decode()) == ["Partnerships"]


def test_the_pcc_office_is_also_offered_the_force_area_overview(world, client_for):
    response = client_for("pcc_reviewer").get(reverse("home"))
    assert _nav(response) == ["Partnerships", "Force area overview"]
    assert _nav_links(response.content.decode()) == ["Partnerships", "Force area overview"]


def test_a_site_administrator_is_offered_site_administration(world, client_for):
    response = client_for("site_admin").get(reverse("home"))
    assert _nav(response) == ["Partnerships", "Force area overview", "Site administration"]


def test_staff_without_a_role_see_only_site_administration(db, client):
    client.force_login(
        UserFactory(is_staff=True), backend="django.contrib.auth.backends.ModelBackend"
    )
    assert _nav(client.get(reverse("home"))) == ["Site administration"]


def test_the_current_section_is_marked(world, client_for):
    client = client_for("officer")
    html = client.get(world.home.get_absolute_url()).content.decode()
    assert re.search(r'href="/partnerships/" aria-current="true"', html)
    html = client.get(reverse("accounts:account")).content.decode()
    assert 'aria-current="true"' not in html


def test_a_signed_out_visitor_gets_no_navigation_and_no_account_links(db, client):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    html = response.content.decode()
    assert _nav_links(html) == []
    assert "Sign out" not in html


# Header, footer and style ---------------------------------------------------------------------


def test_every_page_has_the_generic_header_without_a_crown_and_the_footer(world, client_for):
    html = client_for("officer").get(reverse("home")).content.decode()
    assert 'class="govuk-generic-header"' in html
    assert "govuk-header__logotype" not in html  # GOV.UK's crown logo
    assert "crown" not in html.lower()
    assert 'class="govuk-service-navigation__service-name"' in html
    assert ">CSP Portal</a>" in html
    assert 'class="govuk-footer"' in html
    assert 'href="/accessibility/">Accessibility statement</a>' in html
    assert "It is not a GOV.UK service." in html
    assert 'lang="en-GB"' in html


def test_the_stylesheet_uses_arial_and_not_gds_transport():
    css_path = Path(settings.BASE_DIR) / "static" / "build" / "portal.css"
    assert css_path.exists(), "Build the front end first: npm ci && npm run build"
    css = css_path.read_text()
    assert "GDS Transport" not in css
    assert "gds-transport" not in css.lower()
    assert re.search(r"font-family:\s*arial,\s*sans-serif", css, re.I)
    assert ".govuk-generic-header" in css


# Error pages -------------------------------------------------------------------------------


def test_the_403_page_uses_the_portal_layout_and_gives_the_reason(world, client_for):
    own = world.person("manager").role_grants.get()
    url = reverse("people:revoke", kwargs={"partnership": world.home.slug, "code": own.code})
    response = client_for("manager").get(url)
    assert response.status_code == 403
    html = response.content.decode()
    assert "<title>You cannot do this – CSP Portal</title>" in html
    assert "You cannot remove your own role. Ask another manager." in html
    assert 'class="govuk-generic-header"' in html
    assert 'class="govuk-footer"' in html
    assert _nav_links(html) == ["Partnerships"]


def test_the_403_page_without_a_reason_explains_in_general_terms(world, client_for):
    # The people page asks the access helper only (no rule with a reason).
    response = client_for("officer").get(
        reverse("people:list", kwargs={"partnership": world.home.slug})
    )
    assert response.status_code == 403
    assert "Your role does not allow you to see this page" in response.content.decode()


def test_the_404_page_uses_the_portal_layout(world, client_for):
    response = client_for("other_partnership").get(world.home.get_absolute_url())
    assert response.status_code == 404
    html = response.content.decode()
    assert "<title>Page not found – CSP Portal</title>" in html
    assert "you may not have a role in that partnership" in html
    assert 'class="govuk-generic-header"' in html
    assert world.home.name not in html  # the partnership's existence is not disclosed


def test_the_500_page_renders_on_its_own_with_no_context():
    html = render_to_string("500.html")
    assert "Sorry, there is a problem with the service" in html
    assert 'class="govuk-generic-header"' in html
    assert "/static/build/portal.css" in html
    assert "crown" not in html.lower()


def _boom(request):
    raise RuntimeError("the database went away")


urlpatterns = [path("boom/", _boom)]


def test_an_unexpected_error_shows_the_500_page(db, settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    assert "the database went away" not in html


def test_a_failed_csrf_check_uses_the_portal_layout(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:sign_in"), {"username": "a@example.org"})
    assert response.status_code == 403
    assert 'class="govuk-generic-header"' in response.content.decode()


# The accessibility statement ---------------------------------------------------------------


def test_the_accessibility_statement_is_reachable_signed_out(db, client):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Accessibility statement for CSP Portal" in html
    assert "WCAG" in html
    assert settings.SERVICE_CONTACT_EMAIL in html


# Template helpers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (dt.timedelta(minutes=15), "15 minutes"),
        (dt.timedelta(minutes=1), "1 minute"),
        (dt.timedelta(hours=1), "1 hour"),
        (dt.timedelta(hours=2, minutes=30), "2 hours 30 minutes"),
        (None, ""),
    ],
)
def test_duration_writes_a_length_of_time_in_words(value, words):
    assert duration(value) == words


# The layout's links are reversed once per process ----------------------------------------------


def test_the_layout_links_are_reversed_once_and_follow_the_urlconf(settings):
    from django.urls import reverse

    from csp_portal.lib.navigation import fixed_url

    assert fixed_url("accessibility") == reverse("accessibility") == "/accessibility/"
    settings.ROOT_URLCONF = "tests.csp_portal.other_urls"
    assert fixed_url("accessibility") == "/elsewhere/accessibility/"


def test_the_layout_links_keep_a_script_prefix():
    from django.urls import set_script_prefix

    from csp_portal.lib.navigation import fixed_url

    set_script_prefix("/portal/")
    try:
        assert fixed_url("accessibility") == "/portal/accessibility/"
    finally:
        set_script_prefix("/")
    assert fixed_url("accessibility") == "/accessibility/"
