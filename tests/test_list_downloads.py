"""Lists people work from can be downloaded as CSV, with the same filters and the same
rows as the page (docs/conventions.md), and never as spreadsheet formulas."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from tests.partnerships.factories import PartnershipFactory
from tests.performance.builders import adopted_plan, started_return


def rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_directory_downloads_what_the_person_may_see_with_the_filters(world, client_for):
    PartnershipFactory(name="=HYPERLINK(1) Partnership", slug="formula", force_area=world.area)
    client = client_for("pcc_reviewer")
    url = reverse("partnerships:directory")
    table = rows(client.get(url, {"format": "csv", "force_area": world.area.slug, "sort": "name"}))
    assert table[0][:3] == ["Partnership", "Short name", "Tier"]
    names = [r[0] for r in table[1:]]
    assert names == sorted(names)
    assert world.home.name in names
    assert world.away.name not in names  # another force area
    assert "'=HYPERLINK(1) Partnership" in names  # text, never a formula

    officer = rows(client_for("officer").get(url, {"format": "csv"}))
    assert [r[0] for r in officer[1:]] == [world.home.name]


def test_the_directory_sorts_by_name_or_force_area(world, client_for):
    client = client_for("site_admin")
    by_name = client.get(reverse("partnerships:directory"), {"sort": "name"})
    text = by_name.content.decode()
    assert text.index(world.neighbour.name) < text.index(world.home.name)  # Breckland, Norfolk
    by_area = client.get(reverse("partnerships:directory"), {"sort": "force_area"}).content.decode()
    assert by_area.index(world.home.name) < by_area.index(world.away.name)  # Norfolk, Thames Valley


def test_the_returns_list_downloads_with_its_filters(world, client_for):
    adopted_plan(world.home)
    officer = world.person("officer")
    started_return(world.home, officer, quarter=1)
    started_return(world.home, officer, quarter=2)
    url = reverse("performance:return_list", kwargs={"partnership": world.home.slug})
    table = rows(client_for("officer").get(url, {"format": "csv"}))
    assert table[0] == ["Period", "Status", "Due by", "Overdue", "Submitted", "Approved"]
    assert [r[0] for r in table[1:]] == ["Q2 2013/14", "Q1 2013/14"]
    assert table[1][1] == "Draft"
    assert table[1][3] == "Overdue"  # 2013's deadline has long passed
    # Scrutiny members see approved returns only, in the list and in its download.
    assert rows(client_for("scrutiny").get(url, {"format": "csv"}))[1:] == []
