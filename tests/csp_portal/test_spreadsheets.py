"""The one spreadsheet module (csp_portal.lib.spreadsheets): every CSV and XLSX download
is an attachment no shared cache keeps, and no cell of it runs as a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.http import Http404
from openpyxl import load_workbook

from csp_portal.lib.spreadsheets import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    Sheet,
    csv_bytes,
    csv_response,
    spreadsheet_response,
    spreadsheet_safe,
    spreadsheet_unsafe,
    xlsx_response,
)

FORMULAS = ["=HYPERLINK(evil)", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize("text", FORMULAS)
def test_text_that_would_run_as_a_formula_is_made_plain_and_read_back(text):
    assert spreadsheet_safe(text) == "'" + text
    assert spreadsheet_unsafe(spreadsheet_safe(text)) == text
    assert spreadsheet_unsafe("'quoted") == "'quoted"  # only our own apostrophe comes off


def test_a_csv_download_is_private_and_never_stored():
    # The plan-on-a-page shape: actions of a priority, or one row for a priority without.
    groups = [("A", "Reduce harm", ["=HYPERLINK(evil)", "Ongoing"]), ("B", "Safer roads", [])]
    response = csv_response(
        "home-plan-on-a-page-v1.csv",
        ["Priority code", "Priority", "Action", "Deadline"],
        (
            row
            for code, title, actions in groups
            for row in ([[code, title, a, None] for a in actions] or [[code, title, "", ""]])
        ),
    )
    assert response["Content-Type"] == CSV_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="home-plan-on-a-page-v1.csv"'
    assert response["Cache-Control"] == "private, no-store"
    assert read_csv(response.content) == [
        ["Priority code", "Priority", "Action", "Deadline"],
        ["A", "Reduce harm", "'=HYPERLINK(evil)", ""],
        ["A", "Reduce harm", "Ongoing", ""],
        ["B", "Safer roads", "", ""],
    ]


def test_csv_cells_are_plain_numbers_dates_and_words():
    body = csv_bytes(
        ["=Heading", "n"],
        [[Decimal("1250.50"), 3, True, dt.date(2026, 4, 1), None, Decimal("2000.00")]],
    )
    assert read_csv(body) == [["'=Heading", "n"], ["1250.50", "3", "Yes", "2026-04-01", "", "2000"]]


def test_an_xlsx_download_keeps_numbers_as_numbers_and_text_as_text():
    response = xlsx_response(
        "overview.xlsx",
        Sheet(
            "Returns",
            ["Partnership", "Value"],
            [["=cmd|' /C calc'!A0", Decimal("1250.5")]],
            [30, 12],
        ),
        Sheet("Second", ["Date"], [[dt.date(2026, 4, 1)]]),
    )
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Cache-Control"] == "private, no-store"
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["Returns"]
    assert ws["A2"].value == "'=cmd|' /C calc'!A0"
    assert ws["A2"].data_type == "s"
    assert ws["B2"].value == 1250.5
    assert ws["B2"].number_format == "#,##0.00"
    assert ws["A1"].font.bold
    assert ws.column_dimensions["A"].width == 30
    assert ws.freeze_panes == "A2"
    assert wb["Second"]["A2"].number_format == "d mmmm yyyy"


def test_a_built_file_is_sent_with_the_type_of_its_format():
    assert spreadsheet_response(b"a", "csv", "a.csv")["Content-Type"] == CSV_CONTENT_TYPE
    assert spreadsheet_response(b"a", "xlsx", "a.xlsx")["Content-Type"] == XLSX_CONTENT_TYPE


def test_a_file_name_that_could_break_the_header_is_not_sent():
    with pytest.raises(Http404):
        csv_response('a".csv', ["x"], [])
