"""The partnership performance dashboard and the PCC force-area overview."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.roles import Role
from performance.models import PerformanceReturn
from performance.services import performance_return_approve, return_section_save
from priorities.services import plan_adopt, plan_refresh
from tests.conftest import grant
from tests.partnerships.factories import PartnershipFactory
from tests.performance.builders import adopted_plan
from tests.performance.insight_builders import make_return, staff, table

SVG = "{http://www.w3.org/2000/svg}"


def dashboard_url(world, **params):
    url = reverse("performance:dashboard", kwargs={"partnership": world.home.slug})
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def charts(html: str) -> list[ET.Element]:
    return [
        ET.fromstring(svg)  # noqa: S314 (our own markup)
        for svg in re.findall(r"<svg .*?</svg>", html, re.S)
        if 'role="img"' in svg
    ]


# The dashboard ----------------------------------------------------------------------


def test_it_shows_the_latest_return_a_person_may_see(world, client_for):
    adopted_plan(world.home)
    make_return(world.home, quarter=1, state="approved")
    make_return(world.home, quarter=2, state="draft")

    officer_page = client_for("officer").get(dashboard_url(world)).content.decode()
    assert "Q2 2013/14 return" in officer_page
    assert ">Draft</strong>" in officer_page

    # Scrutiny members see approved returns only: the latest is Q1, and Q2 is not offered.
    scrutiny_page = client_for("scrutiny").get(dashboard_url(world)).content.decode()
    assert "Q1 2013/14 return" in scrutiny_page
    assert ">Approved</strong>" in scrutiny_page
    assert 'value="2013-q2"' not in scrutiny_page


def test_a_quarter_can_be_chosen(world, client_for):
    adopted_plan(world.home)
    make_return(world.home, quarter=1, state="approved")
    make_return(world.home, quarter=2, state="approved")
    page = client_for("scrutiny").get(dashboard_url(world, period="2013-q1")).content.decode()
    assert "Q1 2013/14 return" in page
    assert '<option value="2013-q1" selected>' in page


def test_a_quarter_the_person_may_not_see_shows_nothing_of_it(world, client_for):
    adopted_plan(world.home)
    make_return(world.home, quarter=1, state="approved")
    make_return(world.home, quarter=2, state="draft", value=Decimal(777))
    page = client_for("scrutiny").get(dashboard_url(world, period="2013-q2")).content.decode()
    assert "There is no approved return for Q2 2013/14" in page
    assert "777" not in page


def test_it_shows_each_priority_assessed_and_suggested_rag_in_words(world, client_for):
    adopted_plan(world.home)
    # A's measures are beyond target (Red suggested) but the officer says Amber, with a reason.
    make_return(
        world.home,
        state="approved",
        values={("A", "(i)"): Decimal(150), ("A", "(ii)"): Decimal(150)},
        assessed="amber",
    )
    page = client_for("viewer").get(dashboard_url(world)).content.decode()
    rows = table(page, "Overall traffic light assessment of each priority")
    assert rows[0] == ["Priority", "Assessment", "What the measures suggest"]
    a_row = next(r for r in rows if r[0].startswith("A."))
    assert a_row[1].startswith("Amber")
    assert "AMBER – target causing concern" in a_row[1]
    assert a_row[2].startswith("Red")
    assert "Differs from the assessment. Why: Local knowledge." in a_row[2]
    # B's measures are on target, so Green is suggested; Amber differs from that too.
    b_row = next(r for r in rows if r[0].startswith("B."))
    assert b_row[1].startswith("Amber")
    assert b_row[2].startswith("Green Differs from the assessment.")


def test_it_shows_status_deadline_and_overdue(world, client_for):
    adopted_plan(world.home)
    make_return(world.home, state="draft")
    page = client_for("officer").get(dashboard_url(world)).content.decode()
    # Q1 2013/14 ended on 30 June 2013; returns were due 42 days later.
    assert "11 August 2013" in page
    assert ">Overdue</strong>" in page


def test_a_submitted_return_is_not_overdue(world, client_for):
    adopted_plan(world.home)
    make_return(world.home, state="submitted")
    page = client_for("officer").get(dashboard_url(world)).content.decode()
    assert ">Awaiting sign-off</strong>" in page
    assert ">Overdue</strong>" not in page


def test_each_measure_has_a_trend_chart_with_a_text_alternative_and_a_data_table(world, client_for):
    adopted_plan(world.home, priorities=1, measures=1)
    for quarter, value in ((1, 120), (2, 110), (3, 95)):
        make_return(world.home, quarter=quarter, state="approved", value=Decimal(value))
    page = client_for("scrutiny").get(dashboard_url(world)).content.decode()

    [svg] = charts(page)
    assert svg.get("role") == "img"
    title_id, desc_id = svg.get("aria-labelledby").split()
    title = svg.find(f"{SVG}title")
    desc = svg.find(f"{SVG}desc")
    assert title.get("id") == title_id
    assert desc.get("id") == desc_id
    assert "value and target by quarter" in title.text
    # The text alternative summarises the trend in words.
    assert "Latest value 95 in Q3 2013/14 against a target of 100 (Green)" in desc.text
    assert "down from 120 in Q1 2013/14, an improvement" in desc.text
    assert "On or better than target in 1 of 3 rated quarters" in desc.text
    assert "Lower is better" in desc.text
    # Two series (value, target), told apart by dashes and markers, named in the legend.
    assert [t.text for t in svg.iter(f"{SVG}text") if t.text in ("Value", "Target")] == [
        "Value",
        "Target",
    ]
    assert len(svg.findall(f"{SVG}circle")) == 3 + 1  # three values and the legend's marker

    rows = table(page, "Figures for (i)")
    assert rows[0] == ["Quarter", "Value", "Target", "RAG"]
    # The last 8 quarters, oldest first, ending with the quarter shown.
    assert [r[0] for r in rows[1:]] == [
        "Q4 2011/12",
        "Q1 2012/13",
        "Q2 2012/13",
        "Q3 2012/13",
        "Q4 2012/13",
        "Q1 2013/14",
        "Q2 2013/14",
        "Q3 2013/14",
    ]
    assert rows[-3:] == [
        ["Q1 2013/14", "120", "100", "Red"],
        ["Q2 2013/14", "110", "100", "Amber"],
        ["Q3 2013/14", "95", "100", "Green"],
    ]
    assert rows[1] == ["Q4 2011/12", "No approved return", "No target", ""]


def test_the_trend_uses_only_returns_the_person_may_see(world, client_for):
    adopted_plan(world.home, priorities=1, measures=1)
    make_return(world.home, quarter=1, state="approved", value=Decimal(90))
    make_return(world.home, quarter=2, state="draft", value=Decimal(777))
    make_return(world.home, quarter=3, state="approved", value=Decimal(95))
    url = dashboard_url(world, period="2013-q3")

    scrutiny = table(client_for("scrutiny").get(url).content.decode(), "Figures for (i)")
    assert ["Q2 2013/14", "No approved return", "100", ""] in scrutiny
    viewer = table(client_for("viewer").get(url).content.decode(), "Figures for (i)")
    assert ["Q2 2013/14", "777", "100", "Red"] in viewer


def test_the_trend_follows_a_measure_across_plan_versions(world, client_for):
    plan = adopted_plan(world.home, priorities=1, measures=1, first_year=2013, last_year=2014)
    make_return(world.home, quarter=3, state="approved", value=Decimal(91))
    make_return(world.home, quarter=4, state="approved", value=Decimal(92))
    manager = world.person("manager")
    refreshed = plan_refresh(plan=plan, by=manager)
    plan_adopt(plan=refreshed, by=manager)
    ret = make_return(
        world.home, financial_year=2014, quarter=1, state="approved", value=Decimal(93)
    )
    assert ret.plan_id == refreshed.pk

    rows = table(client_for("viewer").get(dashboard_url(world)).content.decode(), "Figures for (i)")
    assert rows[-3:] == [
        ["Q3 2013/14", "91", "100", "Green"],
        ["Q4 2013/14", "92", "100", "Green"],
        ["Q1 2014/15", "93", "100", "Green"],
    ]


def test_no_data_is_shown_with_its_reason(world, client_for):
    adopted_plan(world.home, priorities=1, measures=1)
    make_return(world.home, state="approved", values={("A", "(i)"): "no data"})
    rows = table(client_for("viewer").get(dashboard_url(world)).content.decode(), "Figures for (i)")
    assert rows[-1] == ["Q1 2013/14", "No data: Not published yet", "100", ""]


def test_a_partnership_with_no_returns(world, client_for):
    page = client_for("scrutiny").get(dashboard_url(world)).content.decode()
    assert "No quarterly return has been approved yet" in page
    page = client_for("officer").get(dashboard_url(world)).content.decode()
    assert "No quarterly return has been started yet" in page


def test_officers_are_offered_the_upload_on_a_draft_only(world, client_for):
    adopted_plan(world.home)
    ret = make_return(world.home, state="draft")
    upload = reverse(
        "performance:return_upload", kwargs={"partnership": world.home.slug, "code": ret.code}
    )
    assert upload in client_for("officer").get(dashboard_url(world)).content.decode()
    assert upload not in client_for("viewer").get(dashboard_url(world)).content.decode()


def test_the_partnership_navigation_links_to_the_dashboard(world, client_for):
    page = client_for("scrutiny").get(
        reverse("partnerships:detail", kwargs={"partnership": world.home.slug})
    )
    assert dashboard_url(world) in page.content.decode()


# Building the priorities and charts (nothing cached), and serving them from the cache.
# The quarter picker's returns are read as plain values, and the chosen return whole.
DASHBOARD_QUERIES = 10
DASHBOARD_QUERIES_CACHED = 6


@pytest.mark.parametrize(
    ("priorities", "measures", "quarters"), [(1, 1, 1), (4, 3, 8)], ids=["small", "large"]
)
def test_the_dashboard_runs_a_fixed_number_of_queries(
    world, client_for, django_assert_num_queries, priorities, measures, quarters
):
    adopted_plan(world.home, priorities=priorities, measures=measures)
    keys = [(2013 + (q // 4), q % 4 + 1) for q in range(quarters)]
    for year, quarter in keys:
        make_return(world.home, financial_year=year, quarter=quarter, state="approved")
    client = client_for("officer")
    client.get(dashboard_url(world))  # the session's last-seen time is written once
    cache.clear()
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(dashboard_url(world))
    assert response.status_code == 200
    assert len(charts(response.content.decode())) == priorities * measures
    with django_assert_num_queries(DASHBOARD_QUERIES_CACHED):
        cached = client.get(dashboard_url(world))
    assert [ET.tostring(c) for c in charts(cached.content.decode())] == [
        ET.tostring(c) for c in charts(response.content.decode())
    ]
    assert DASHBOARD_QUERIES <= 15


def test_the_cached_charts_change_as_soon_as_a_return_changes(world, client_for):
    """The cache key follows the returns' updated_at: saving a value shows at once."""
    adopted_plan(world.home, priorities=1, measures=1)
    make_return(world.home, financial_year=2013, quarter=1, state="approved")
    ret = make_return(world.home, financial_year=2013, quarter=2, state="draft")
    client = client_for("officer")
    url = dashboard_url(world) + "?period=2013-q2"
    before = client.get(url).content.decode()
    section = ret.sections.get()
    mv = section.values.get()
    return_section_save(
        section=section,
        revision=section.revision,
        fields={},
        values={mv.pk: {"value": Decimal("4321"), "no_data": False}},
        by=world.person("officer"),
    )
    after = client.get(url).content.decode()
    assert "4,321" not in before
    assert "4,321" in after


# The force-area overview ------------------------------------------------------------


def overview_url(world, **params):
    url = reverse("performance:overview", kwargs={"force_area": world.area.slug})
    query = {"period": "2013-q1", **params}
    return url + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def overview_rows(page: str) -> dict[str, list[str]]:
    rows = table(page, "Returns from")
    return {r[0]: r for r in rows[1:]}


@pytest.fixture
def area_returns(world):
    """home: approved; neighbour: draft; a third partnership: not started;
    a fourth: submitted; and the other force area's partnership: approved."""
    third = PartnershipFactory(
        name="Cambridge Partnership", slug="cambridge", force_area=world.area
    )
    fourth = PartnershipFactory(name="Dereham Partnership", slug="dereham", force_area=world.area)
    for p in (world.home, world.neighbour, fourth, world.away):
        adopted_plan(p)
    make_return(
        world.home,
        state="approved",
        values={("A", "(i)"): Decimal(150), ("A", "(ii)"): Decimal(150)},
        assessed="red",
    )
    make_return(world.neighbour, state="draft", assessed="amber")
    make_return(fourth, state="submitted")
    make_return(world.away, state="approved")
    return {"third": third, "fourth": fourth}


def test_the_overview_shows_every_partnership_with_its_status_and_approved_rag(
    world, client_for, area_returns
):
    page = client_for("pcc_reviewer").get(overview_url(world)).content.decode()
    rows = overview_rows(page)
    assert set(rows) == {
        world.home.name,
        world.neighbour.name,
        "Cambridge Partnership",
        "Dereham Partnership",
    }
    home = rows[world.home.name]
    assert home[1] == "Approved"
    assert "A Reduce" in home[3]
    assert "B Reduce" in home[3]
    assert "Red" in home[3]
    # A draft's assessment (Amber) is not shown before approval; its status is.
    neighbour = rows[world.neighbour.name]
    assert neighbour[1] == "Draft Overdue"
    assert neighbour[3] == "Shown when the return is approved"
    assert rows["Cambridge Partnership"][1] == "Not started Overdue"
    assert rows["Dereham Partnership"][1] == "Awaiting sign-off"
    assert rows["Dereham Partnership"][2] != "Not submitted"
    # The other force area's partnership is not in this overview.
    assert world.away.name not in page
    assert "Returns were due by 11 August 2013" in page


def test_the_overview_counts_returns_by_status(world, client_for, area_returns):
    page = client_for("pcc_reviewer").get(overview_url(world)).content.decode()
    counts = {r[0]: r[1] for r in table(page, "Returns by status")[1:]}
    assert counts == {
        "Not started": "1",
        "Draft": "1",
        "Awaiting sign-off": "1",
        "Approved": "1",
        "Queried": "0",
        "Overdue": "2",
    }
    rag = {r[0]: r[1] for r in table(page, "Priorities in approved returns")[1:]}
    # Both of home's priorities are assessed Red; drafts are not counted.
    assert rag == {"Red": "2", "Amber": "0", "Green": "0"}


def test_the_overview_filters_by_status_and_overdue(world, client_for, area_returns):
    client = client_for("pcc_reviewer")
    drafts = overview_rows(client.get(overview_url(world, status="draft")).content.decode())
    assert list(drafts) == [world.neighbour.name]
    overdue = overview_rows(client.get(overview_url(world, overdue="1")).content.decode())
    assert set(overdue) == {world.neighbour.name, "Cambridge Partnership"}


def test_the_overview_sorts(world, client_for, area_returns):
    client = client_for("pcc_reviewer")
    by_status = list(overview_rows(client.get(overview_url(world, sort="status")).content.decode()))
    assert by_status == [
        "Cambridge Partnership",
        world.neighbour.name,
        "Dereham Partnership",
        world.home.name,
    ]
    by_red = list(overview_rows(client.get(overview_url(world, sort="red")).content.decode()))
    assert by_red[0] == world.home.name
    by_submitted = list(
        overview_rows(client.get(overview_url(world, sort="submitted")).content.decode())
    )
    assert by_submitted[:2] == [world.home.name, "Dereham Partnership"]


def test_a_queried_return_shows_as_queried_and_not_overdue(world, client_for):
    adopted_plan(world.home)
    make_return(world.home, state="queried")
    rows = overview_rows(client_for("pcc_reviewer").get(overview_url(world)).content.decode())
    assert rows[world.home.name][1] == "Queried"
    assert rows[world.home.name][3] == "Shown when the return is approved"


def test_nothing_is_overdue_before_the_deadline(world, client_for):
    from performance.models import ReportingPeriod

    ReportingPeriod.objects.create(financial_year=2099, quarter=1)
    page = client_for("pcc_reviewer").get(overview_url(world, period="2099-q1")).content.decode()
    rows = overview_rows(page)
    assert rows[world.home.name][1] == "Not started"
    assert "Returns are due by" in page


def test_the_overview_defaults_to_the_latest_quarter_with_returns(world, client_for):
    adopted_plan(world.home)
    make_return(world.home, quarter=1, state="approved")
    make_return(world.home, quarter=2, state="draft")
    url = reverse("performance:overview", kwargs={"force_area": world.area.slug})
    page = client_for("pcc_reviewer").get(url).content.decode()
    assert "Returns for Q2 2013/14" in page


def test_the_force_area_chooser(world, client_for):
    client = client_for("pcc_reviewer")
    response = client.get(reverse("performance:force_areas"))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "performance:overview", kwargs={"force_area": world.area.slug}
    )
    reviewer = world.person("pcc_reviewer")
    grant(reviewer, Role.PCC_REVIEWER, force_area=world.other_area)
    page = client.get(reverse("performance:force_areas"))
    assert page.status_code == 200
    assert world.area.name in page.content.decode()
    assert world.other_area.name in page.content.decode()


def test_the_service_navigation_offers_the_overview_to_pcc_reviewers_only(world, client_for):
    link = reverse("performance:force_areas")
    assert link in client_for("pcc_reviewer").get(reverse("home")).content.decode()
    assert link not in client_for("manager").get(reverse("home")).content.decode()


# Building the overview (nothing cached), and serving its body from the cache.
OVERVIEW_QUERIES = 10
OVERVIEW_QUERIES_CACHED = 6


@pytest.mark.parametrize("count", [3, 12])
def test_the_overview_runs_a_fixed_number_of_queries(
    world, client_for, django_assert_num_queries, count
):
    partnerships = [world.home, world.neighbour] + [
        PartnershipFactory(name=f"Area Partnership {i:02d}", force_area=world.area)
        for i in range(count - 2)
    ]
    for index, p in enumerate(partnerships):
        adopted_plan(p, priorities=2, measures=1)
        state = ["approved", "draft", "submitted", "started"][index % 4]
        make_return(p, state=state)
    client = client_for("pcc_reviewer")
    client.get(overview_url(world))  # the session's last-seen time is written once
    cache.clear()
    with django_assert_num_queries(OVERVIEW_QUERIES):
        response = client.get(overview_url(world))
    assert len(overview_rows(response.content.decode())) == count
    with django_assert_num_queries(OVERVIEW_QUERIES_CACHED):
        cached = client.get(overview_url(world))
    assert overview_rows(cached.content.decode()) == overview_rows(response.content.decode())
    assert OVERVIEW_QUERIES <= 15


def test_the_cached_overview_changes_as_soon_as_a_return_does(world, client_for):
    adopted_plan(world.home, priorities=1, measures=1)
    ret = make_return(world.home, state="submitted")
    client = client_for("pcc_reviewer")
    before = overview_rows(client.get(overview_url(world)).content.decode())[world.home.name]
    performance_return_approve(performance_return=ret, by=world.person("manager"))
    after = overview_rows(client.get(overview_url(world)).content.decode())[world.home.name]
    assert "Awaiting sign-off" in before[1]
    assert "Approved" in after[1]


def test_the_matrix_builders_make_the_states_they_say(world):
    adopted_plan(world.home)
    assert make_return(world.home, quarter=1, state="queried").open_query_id
    assert make_return(world.home, quarter=2, state="submitted").status == "submitted"
    officer, manager = staff(world.home)
    assert officer.has_perm("partnerships.contribute", world.home)
    assert PerformanceReturn.objects.count() == 2


# The chart itself -------------------------------------------------------------------


def test_the_chart_breaks_its_line_where_a_value_is_missing_and_escapes_text():
    from csp_portal.lib.charts import Series, line_chart, nice_ticks

    svg = ET.fromstring(  # noqa: S314 (our own markup)
        str(
            line_chart(
                chart_id="c",
                title="<script>alert(1)</script>",
                description="A & B",
                labels=["Q1", "Q2", ("Q3", "2013/14"), "Q4"],
                series=[Series("Value", [1, None, 3, 4]), Series("Target", [2, 2, 2, 2], "dashed")],
            )
        )
    )
    assert svg.find(f"{SVG}title").text == "<script>alert(1)</script>"  # escaped, so parsed back
    assert svg.find(f"{SVG}desc").text == "A & B"
    polylines = svg.findall(f"{SVG}polyline")
    # The value line: one segment (Q3 to Q4); Q1 stands alone as a marker. The target: one.
    assert [len(p.get("points").split()) for p in polylines] == [2, 4]
    assert polylines[1].get("stroke-dasharray")
    assert len(svg.findall(f"{SVG}circle")) == 3 + 1
    assert len(svg.findall(f"{SVG}rect")) == 4 + 1
    assert nice_ticks(92, 118) == [90, 100, 110, 120]
    assert nice_ticks(0, 0.88) == [0, 0.5, 1.0]
