"""Issue 3 insight pages in real Chromium: the performance dashboard with its charts, the
PCC force-area overview, and uploading measure values (with an error, then without).
Every page reached passes axe-core."""

from __future__ import annotations

import re
import tempfile
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import expect

from performance.models import MeasureValue
from tests.browser.conftest import assert_accessible, sign_in
from tests.performance.builders import adopted_plan
from tests.performance.insight_builders import make_return

# Kept for a person to look at: is the chart legible?
SCREENSHOTS = Path(tempfile.gettempdir())


def _history(world):
    """Six approved quarters for home, the values drifting around their target of 100."""
    adopted_plan(world.home)
    series = [118, 112, 104, 97, 101, 92]
    for index, value in enumerate(series):
        year, quarter = 2013 + index // 4, index % 4 + 1
        make_return(
            world.home,
            financial_year=year,
            quarter=quarter,
            state="approved",
            values={("A", "(i)"): Decimal(value), ("A", "(ii)"): Decimal(value + 20)},
            assessed="amber",
        )


def test_the_dashboard_shows_rag_and_legible_trend_charts(page, world):
    _history(world)
    sign_in(page, world.person("scrutiny"))
    page.goto(f"/p/{world.home.slug}/")
    page.get_by_role("link", name="Performance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Performance")
    expect(page.get_by_role("heading", name="Q2 2014/15 return")).to_be_visible()

    charts = page.get_by_role("img", name=re.compile("value and target by quarter"))
    expect(charts).to_have_count(4)
    first = charts.first
    expect(first).to_be_visible()
    box = first.bounding_box()
    assert box["width"] > 500
    assert box["height"] > 200
    # The data behind the chart follows it as a table.
    expect(page.get_by_role("table", name=re.compile(r"Figures for \(i\)")).first).to_contain_text(
        "92"
    )
    page.screenshot(path=str(SCREENSHOTS / "insight-dashboard.png"), full_page=True)
    first.screenshot(path=str(SCREENSHOTS / "insight-chart.png"))
    assert_accessible(page, "dashboard")

    # Choosing another quarter, without JavaScript needed (a plain GET form).
    page.get_by_label("Quarter", exact=True).select_option("2013-q3")
    page.get_by_role("button", name="Show quarter").click()
    expect(page.get_by_role("heading", name="Q3 2013/14 return")).to_be_visible()
    assert_accessible(page, "dashboard-q3")


def test_the_pcc_reviewer_sees_the_force_area_overview(page, world):
    adopted_plan(world.home)
    adopted_plan(world.neighbour)
    make_return(world.home, state="approved", assessed="green")
    make_return(world.neighbour, state="draft")
    sign_in(page, world.person("pcc_reviewer"))

    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Force area overview"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Returns for Q1 2013/14")
    home_row = page.get_by_role("row", name=re.compile(world.home.name))
    expect(home_row).to_contain_text("Approved")
    expect(home_row).to_contain_text("Green")
    neighbour_row = page.get_by_role("row", name=re.compile(world.neighbour.name))
    expect(neighbour_row).to_contain_text("Draft")
    expect(neighbour_row).to_contain_text("Overdue")
    assert_accessible(page, "overview")

    page.get_by_label("Overdue only").check()
    page.get_by_role("button", name="Show returns").click()
    expect(page.get_by_role("row", name=re.compile(world.home.name))).to_have_count(0)
    expect(page.get_by_role("row", name=re.compile(world.neighbour.name))).to_be_visible()
    assert_accessible(page, "overview-overdue")


def test_a_site_admin_chooses_a_force_area(page, world):
    sign_in(page, world.person("site_admin"))
    page.goto("/force-areas/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Force area overview")
    assert_accessible(page, "overview-chooser")
    page.get_by_role("link", name=world.other_area.name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Returns for")
    assert_accessible(page, "overview-empty")


HEADINGS = (
    "Priority,Measure code,Value for the quarter,Year to date,National comparator,Note,"
    "No data available (yes or no),Why there is no data"
)


def test_an_officer_uploads_measure_values_and_sees_each_bad_row(page, world):
    adopted_plan(world.home)
    ret = make_return(world.home, state="started")
    sign_in(page, world.person("officer"))
    page.goto(f"/p/{world.home.slug}/performance/")
    page.get_by_role("link", name="Upload measure values from a spreadsheet").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Upload measure values")
    assert_accessible(page, "upload")

    bad = f"{HEADINGS}\r\nA,(i),90,,,,no,\r\nA,(ii),ninety,,,,no,\r\nZ,(i),5,,,,no,\r\n"
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "values.csv", "mimeType": "text/csv", "buffer": bad.encode()}]
    )
    page.get_by_role("button", name="Upload and check").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The file has 2 problems")
    expect(summary).to_contain_text("Row 3: Value for the quarter must be a number")
    expect(summary).to_contain_text("Row 4: There is no measure Z (i)")
    problems = page.get_by_role("table", name=re.compile("Problems in the file"))
    expect(problems.get_by_role("row")).to_have_count(3)
    assert_accessible(page, "upload-errors")
    assert not MeasureValue.objects.filter(
        section__performance_return=ret, value__isnull=False
    ).exists()

    # The error summary link takes the keyboard to the row.
    summary.get_by_role("link", name=re.compile("Row 3")).click()
    expect(page).to_have_url(re.compile("#row-3$"))

    good = f"{HEADINGS}\r\nA,(i),90,,,,no,\r\nA,(ii),150,,,,no,\r\n"
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "values.csv", "mimeType": "text/csv", "buffer": good.encode()}]
    )
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Measure values uploaded: 2 changes from 2 rows"
    )
    expect(page.get_by_role("table", name="What the measures now suggest")).to_contain_text("Red")
    assert_accessible(page, "upload-done")
