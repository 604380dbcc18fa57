"""The performance app's rules, each written once, give the same answer through every
door: overdue and queried, which returns a person may see, the financial-year filter,
numbers and money, quarter arithmetic, the overview's download links and who reads
which part of a return's history."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import Role
from csp_portal.lib.access import Access
from csp_portal.lib.forms import apply_validation_error
from csp_portal.lib.numbers import format_number, plain_number
from performance.models import PerformanceReturn, ReportingPeriod, is_overdue
from performance.periods import (
    latest_ended_quarter,
    months_label,
    parse_period,
    period_containing,
    period_label,
    period_slug,
    previous_key,
    quarter_dates,
    quarters_ending,
)
from performance.permissions import can_view_return
from performance.services import (
    performance_return_approve,
    performance_return_query,
    performance_return_send_back,
    performance_return_submit,
)
from priorities.models import Measure
from tests.accounts.factories import UserFactory
from tests.conftest import PERSONAS, grant
from tests.performance.builders import adopted_plan
from tests.performance.insight_builders import fill, make_return, staff, table

# Overdue and queried -----------------------------------------------------------------


def _list_row(html: str, label: str) -> list[str]:
    rows = table(html, "Returns")
    return next(r for r in rows if r[0].startswith(label))


def _overview_status(client, world, partnership) -> str:
    url = reverse("performance:overview", kwargs={"force_area": world.area.slug})
    rows = table(client.get(url + "?period=2013-q1").content.decode(), "Returns from")
    return next(r for r in rows if r[0] == partnership.name)[1]


def _partnership_pages_status(client, world, ret) -> dict[str, str]:
    """What each of the partnership's pages says about the return's status."""
    kwargs = {"partnership": world.home.slug}
    list_html = client.get(reverse("performance:return_list", kwargs=kwargs)).content.decode()
    csv_rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("performance:return_list", kwargs=kwargs) + "?format=csv")
                .content.decode("utf-8-sig")
                .strip()
            )
        )
    )
    detail = client.get(
        reverse("performance:return_detail", kwargs={**kwargs, "code": ret.code})
    ).content.decode()
    dashboard = client.get(reverse("performance:dashboard", kwargs=kwargs)).content.decode()
    status_cell = re.search(
        r"Status</dt><dd class=\"govuk-summary-list__value\">(.*?)</dd>", detail, re.S
    )
    return {
        "list": _list_row(list_html, ret.period.label)[1],
        "csv": " ".join(filter(None, csv_rows[1][1:2] + csv_rows[1][3:4])),
        "detail": " ".join(re.sub(r"<[^>]+>", " ", status_cell.group(1)).split()),
        "dashboard": " ".join(
            re.sub(
                r"<[^>]+>",
                " ",
                re.search(r"Status</dt>\s*<dd[^>]*>(.*?)</dd>", dashboard, re.S).group(1),
            ).split()
        ),
    }


def test_a_queried_return_is_queried_not_overdue_on_every_page(world, client_for):
    adopted_plan(world.home)
    ret = make_return(world.home, state="queried")
    # Q1 2013/14 was due on 11 August 2013: long past.
    assert ret.is_queried
    assert not ret.is_overdue()
    pcc = _overview_status(client_for("pcc_reviewer"), world, world.home)
    pages = _partnership_pages_status(client_for("officer"), world, ret)
    assert pcc == "Queried"
    assert pages == {"list": "Queried", "csv": "Queried", "detail": "Queried", "dashboard": pcc}


def test_a_return_sent_back_for_changes_is_overdue_on_every_page(world, client_for):
    adopted_plan(world.home)
    ret = make_return(world.home, state="submitted")
    _officer, manager = staff(world.home)
    performance_return_send_back(performance_return=ret, by=manager, comment="Explain A.")
    pcc = _overview_status(client_for("pcc_reviewer"), world, world.home)
    pages = _partnership_pages_status(client_for("officer"), world, ret)
    assert pcc == "Draft Overdue"
    assert pages == {"list": pcc, "csv": pcc, "detail": pcc, "dashboard": pcc}


def test_the_overdue_rule(world):
    adopted_plan(world.home)
    period = ReportingPeriod.objects.create(financial_year=2013, quarter=1)
    before, after = period.submission_deadline, period.submission_deadline + dt.timedelta(1)
    assert not is_overdue(None, period, before)
    assert is_overdue(None, period, after)  # not started
    ret = make_return(world.home, state="draft")
    assert (ret.is_overdue(before), ret.is_overdue(after)) == (False, True)
    officer, manager = staff(world.home)
    performance_return_submit(performance_return=ret, by=officer)
    ret.refresh_from_db()
    assert not ret.is_overdue(after)  # submitted
    performance_return_approve(performance_return=ret, by=manager)
    ret.refresh_from_db()
    assert not ret.is_overdue(after)  # approved
    performance_return_query(performance_return=ret, by=world.person("pcc_reviewer"), comment="?")
    ret.refresh_from_db()
    assert ret.status == PerformanceReturn.Status.DRAFT
    assert not ret.is_overdue(after)  # queried


# Which returns a person may see --------------------------------------------------------


@pytest.fixture
def spread(world):
    """Returns in every state in two partnerships of the area and one of the other area."""
    for p in (world.home, world.neighbour, world.away):
        adopted_plan(p, priorities=1, measures=1)
    return [
        make_return(world.home, quarter=1, state="approved"),
        make_return(world.home, quarter=2, state="draft"),
        make_return(world.home, quarter=3, state="submitted"),
        make_return(world.home, quarter=4, state="queried"),
        make_return(world.neighbour, quarter=1, state="draft"),
        make_return(world.neighbour, quarter=2, state="approved"),
        make_return(world.away, quarter=1, state="approved"),
    ]


def test_pages_dashboard_and_api_agree_on_which_returns_each_persona_sees(
    world, client_for, spread
):
    everything = PerformanceReturn.objects.select_related("partnership__force_area", "period")
    for persona in PERSONAS:
        user = world.person(persona) or AnonymousUser()
        by_rule = {r.code for r in everything if can_view_return(user, r)}
        by_queryset = set(
            PerformanceReturn.objects.visible_to(Access(user)).values_list("code", flat=True)
        )
        assert by_queryset == by_rule, persona

        client = client_for(persona)
        api = client.get("/api/v1/returns/?limit=100")
        by_api = {r["code"] for r in api.json()["results"]} if api.status_code == 200 else set()
        assert {str(c) for c in by_rule} == by_api, persona

        home = {
            period_label((r.period.financial_year, r.period.quarter))
            for r in everything
            if r.partnership_id == world.home.pk and r.code in by_rule
        }
        kwargs = {"partnership": world.home.slug}
        listing = client.get(reverse("performance:return_list", kwargs=kwargs))
        dashboard = client.get(reverse("performance:dashboard", kwargs=kwargs))
        if listing.status_code != 200:
            assert (listing.status_code, dashboard.status_code, home) in (
                (302, 302, set()),  # anonymous: sign in first
                (404, 404, set()),  # no standing in the partnership
            ), persona
            continue
        rows = table(listing.content.decode(), "Returns")[1:]
        listed = {r[0].removesuffix(" return") for r in rows if r[0].endswith(" return")}
        assert listed == home, persona
        picker = set(re.findall(r'<option value="(\d{4}-q\d)"', dashboard.content.decode()))
        assert {period_label(parse_period(s)) for s in picker} == home, persona


# The returns list's financial-year filter ------------------------------------------


def _year_options(client, world) -> list[str]:
    url = reverse("performance:return_list", kwargs={"partnership": world.home.slug})
    html = client.get(url).content.decode()
    select = re.search(r'<select[^>]*name="year".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="(\d{4})"', select)


def test_the_year_filter_offers_only_years_of_returns_the_person_may_see(world, client_for):
    adopted_plan(world.home)
    make_return(world.home, financial_year=2013, quarter=1, state="approved")
    # 2014/15 has a draft and nothing approved: readers of published returns must not
    # learn from the filter that a draft exists.
    make_return(world.home, financial_year=2014, quarter=1, state="draft")
    for persona in ("scrutiny", "pcc_reviewer", "panel_member"):
        assert _year_options(client_for(persona), world) == ["2013"], persona
    for persona in ("viewer", "officer", "manager"):
        assert _year_options(client_for(persona), world) == ["2014", "2013"], persona


# Numbers and money ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (Decimal("1250.50"), "money", "£1,250.50"),
        (Decimal("1250.5"), "money", "£1,250.50"),
        (Decimal("65000.00"), "money", "£65,000"),
        (Decimal("-300"), "money", "-£300"),
        (Decimal("2274"), "count", "2,274"),
        (Decimal("3.40"), "rate_per_1000", "3.4"),
        (Decimal("88.50"), "percentage", "88.5%"),
        (88, "percentage", "88%"),
        (33.333333, "count", "33.33"),
        (Decimal("0.005"), "count", "0.01"),
        (None, "money", ""),
        ("", "count", ""),
    ],
)
def test_numbers_and_money_are_written_one_way(value, unit, expected):
    assert format_number(value, unit) == expected


def test_a_number_is_written_back_as_typed():
    assert [plain_number(v) for v in (Decimal("2162.00"), Decimal("88.50"), None)] == [
        "2162",
        "88.5",
        "",
    ]


def test_money_reads_the_same_on_the_return_the_dashboard_and_the_plan(world, client_for):
    plan = adopted_plan(world.home, priorities=1, measures=1)
    Measure.objects.filter(priority__plan=plan).update(
        unit=Measure.Unit.MONEY, baseline_value=Decimal("1250.50")
    )
    make_return(world.home, state="approved", values={("A", "(i)"): Decimal("1250.50")})
    client = client_for("viewer")
    kwargs = {"partnership": world.home.slug}
    ret = PerformanceReturn.objects.get()
    detail = client.get(reverse("performance:return_detail", kwargs={**kwargs, "code": ret.code}))
    dashboard = client.get(reverse("performance:dashboard", kwargs=kwargs))
    plan_page = client.get(reverse("plans:detail", kwargs={**kwargs, "code": plan.code}))
    for page in (detail, dashboard, plan_page):
        html = page.content.decode()
        assert "£1,250.50" in html
        assert not re.search(r"£1,250\.5(?!0)", html)


# Quarter arithmetic ----------------------------------------------------------------------


def test_quarter_arithmetic():
    assert quarter_dates(2013, 1) == (dt.date(2013, 4, 1), dt.date(2013, 6, 30))
    assert quarter_dates(2013, 3) == (dt.date(2013, 10, 1), dt.date(2013, 12, 31))
    assert quarter_dates(2013, 4) == (dt.date(2014, 1, 1), dt.date(2014, 3, 31))
    for year, quarter in ((2013, 1), (2013, 2), (2013, 3), (2013, 4)):
        first, last = quarter_dates(year, quarter)
        assert period_containing(first) == period_containing(last) == (year, quarter)
        assert period_containing(first - dt.timedelta(1)) == previous_key((year, quarter))
    assert previous_key((2013, 1)) == (2012, 4)
    assert quarters_ending((2013, 2), 4) == [(2012, 3), (2012, 4), (2013, 1), (2013, 2)]
    assert latest_ended_quarter(dt.date(2013, 8, 15)) == (2013, 1)
    assert latest_ended_quarter(dt.date(2014, 2, 1)) == (2013, 3)
    assert parse_period(" 2013-Q2 ") == (2013, 2)
    assert [parse_period(s) for s in ("2013-q5", "1999-q1", "x", None)] == [None] * 4
    assert parse_period(period_slug((2013, 4))) == (2013, 4)
    assert period_label((2013, 4)) == "Q4 2013/14"
    assert months_label((2013, 4)) == "January to March 2014"
    period = ReportingPeriod(financial_year=2013, quarter=2)
    assert (period.slug, period.label, period.previous_key()) == (
        "2013-q2",
        "Q2 2013/14",
        (2013, 1),
    )


# The overview's download links ----------------------------------------------------------


def test_the_cached_overview_gives_each_visitor_download_links_of_their_own(world, client_for):
    adopted_plan(world.home)
    make_return(world.home, state="draft")
    url = reverse("performance:overview", kwargs={"force_area": world.area.slug})

    def download_links(html: str) -> list[str]:
        return re.findall(r'href="([^"]*/download\.(?:csv|xlsx)[^"]*)"', html)

    visitor_a = client_for("pcc_reviewer").get(url + "?status=draft&x=evil").content.decode()
    assert download_links(visitor_a)
    assert not any("evil" in link for link in download_links(visitor_a))

    visitor_b = UserFactory(email="pcc.b@example.org")
    grant(visitor_b, Role.PCC_REVIEWER, force_area=world.area)
    client = client_for("anonymous")
    client.force_login(visitor_b, backend="django.contrib.auth.backends.ModelBackend")
    page_b = client.get(url + "?status=draft&utm_source=mail").content.decode()
    links = download_links(page_b)
    assert len(links) == 2
    for link in links:
        assert "evil" not in link
        assert "utm_source" not in link
        assert link.endswith("?period=2013-q1&amp;status=draft")


# Who reads which part of a return's history -------------------------------------------


@pytest.fixture
def approved_after_review(world):
    """Sent back with a comment, approved with a comment, queried, approved again."""
    adopted_plan(world.home, priorities=1, measures=1)
    ret = make_return(world.home, state="submitted")
    officer, manager = staff(world.home)
    performance_return_send_back(
        performance_return=ret, by=manager, comment="Send-back note: explain the rise."
    )
    fill(ret, officer)
    performance_return_submit(performance_return=ret, by=officer)
    performance_return_approve(
        performance_return=ret, by=manager, comment="Sign-off note: well done."
    )
    performance_return_query(
        performance_return=ret, by=world.person("pcc_reviewer"), comment="PCC query: why B?"
    )
    fill(ret, officer)
    performance_return_submit(performance_return=ret, by=officer)
    performance_return_approve(performance_return=ret, by=manager)
    return PerformanceReturn.objects.get(pk=ret.pk)


@pytest.mark.parametrize(
    ("persona", "steps", "comments"),
    [
        (
            "officer",
            {
                "Started",
                "Submitted for sign-off",
                "Returned with comments",
                "Approved",
                "Queried by the PCC office",
            },
            {"Send-back note", "Sign-off note", "PCC query"},
        ),
        (
            "viewer",
            {
                "Started",
                "Submitted for sign-off",
                "Returned with comments",
                "Approved",
                "Queried by the PCC office",
            },
            {"Send-back note", "Sign-off note", "PCC query"},
        ),
        ("pcc_reviewer", {"Approved", "Queried by the PCC office"}, {"PCC query"}),
        ("scrutiny", {"Approved"}, set()),
        ("panel_member", {"Approved"}, set()),
    ],
)
def test_readers_see_the_history_their_role_allows(
    world, client_for, approved_after_review, persona, steps, comments
):
    ret = approved_after_review
    url = reverse(
        "performance:return_detail", kwargs={"partnership": world.home.slug, "code": ret.code}
    )
    # Every reader in turn, so a history cached for one is never shown to another.
    for name in ("officer", "scrutiny", "pcc_reviewer", persona):
        html = client_for(name).get(url).content.decode()
    rows = table(html, "History of this return")[1:]
    shown = {re.sub(r" \(version \d+\)$", "", r[1]) for r in rows}
    assert shown == steps
    history = " ".join(" ".join(r) for r in rows)
    for note in ("Send-back note", "Sign-off note", "PCC query"):
        assert (note in history) == (note in comments), note


# A service's ValidationError on a form ----------------------------------------------------


class _Form(forms.Form):
    name = forms.CharField(required=False)


def test_apply_validation_error_puts_each_message_where_it_belongs():
    form = _Form({"name": "x"})
    assert form.is_valid()
    apply_validation_error(
        form,
        ValidationError({"name": "Too short", "__all__": "Whole form", "elsewhere": "Unknown"}),
    )
    assert form.errors["name"] == ["Too short"]
    assert form.non_field_errors() == ["Whole form", "Unknown"]
    plain = _Form({"name": "x"})
    plain.is_valid()
    apply_validation_error(plain, ValidationError(["One", "Two"]))
    assert plain.non_field_errors() == ["One", "Two"]
