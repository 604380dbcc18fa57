"""Downloads (a return, the overview; CSV and XLSX), the upload template, and uploads."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from csp_portal.lib.spreadsheets import XLSX_CONTENT_TYPE
from performance import exports, uploads
from performance.models import MeasureValue, PerformanceReturn, ReturnSection
from performance.services import return_section_save
from priorities.models import Measure
from tests.partnerships.factories import PartnershipFactory
from tests.performance.builders import adopted_plan
from tests.performance.insight_builders import make_return, table

HEADINGS = [c.heading for c in exports.COLUMNS]


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def read_xlsx(response):
    return load_workbook(io.BytesIO(response.content))


def download_url(ret, fmt):
    return reverse(
        "performance:return_download",
        kwargs={"partnership": ret.partnership.slug, "code": ret.code, "fmt": fmt},
    )


# Downloading a return ---------------------------------------------------------------


@pytest.fixture
def approved(world):
    adopted_plan(world.home)
    return make_return(
        world.home, state="approved", values={("A", "(i)"): Decimal(150)}, assessed="amber"
    )


def test_a_return_downloads_as_csv_with_its_measure_grid(world, client_for, approved):
    response = client_for("scrutiny").get(download_url(approved, "csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"] == 'attachment; filename="norfolk-ccsp-2013-q1-return.csv"'
    )
    rows = read_csv(response)
    assert rows[0] == exports.MEASURE_HEADINGS
    assert len(rows) == 1 + 4  # two priorities with two measures each
    record = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    a_i = next(r for r in record if r["Priority"] == "A" and r["Measure code"] == "(i)")
    assert a_i["Value for the quarter"] == "150"
    assert a_i["Target"] == "100"
    assert a_i["Calculated RAG"] == "Red"
    assert a_i["Overall assessment"] == "Amber"
    assert a_i["What the measures suggest"] == "Red"
    assert a_i["Quarter"] == "Q1 2013/14"
    b_i = next(r for r in record if r["Priority"] == "B" and r["Measure code"] == "(i)")
    assert (b_i["Value for the quarter"], b_i["Calculated RAG"]) == ("90", "Green")
    assert b_i["No data available"] == "No"


def test_a_return_downloads_as_xlsx_with_measures_and_narrative_sheets(world, client_for, approved):
    response = client_for("scrutiny").get(download_url(approved, "xlsx"))
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].endswith('filename="norfolk-ccsp-2013-q1-return.xlsx"')
    wb = read_xlsx(response)
    assert wb.sheetnames == ["Measures", "Narrative"]
    measures = list(wb["Measures"].iter_rows(values_only=True))
    assert list(measures[0]) == exports.MEASURE_HEADINGS
    row = dict(zip(measures[0], measures[1], strict=True))
    # Numbers are numbers, RAG is words.
    assert row["Value for the quarter"] == 150
    assert isinstance(row["Target"], int | float)
    assert row["Calculated RAG"] == "Red"
    narrative = list(wb["Narrative"].iter_rows(values_only=True))
    assert list(narrative[0]) == exports.NARRATIVE_HEADINGS
    a = dict(zip(narrative[0], narrative[1], strict=True))
    assert a["Priority"] == "A"
    assert a["Overall assessment"] == "Amber"
    assert a["Summary narrative"] == "Priority crime is below target."
    assert a["Statement"].startswith("AMBER")


def test_downloads_cannot_run_formulas(world, client_for):
    adopted_plan(world.home, priorities=1, measures=1)
    Measure.objects.update(title='=HYPERLINK("http://example.com","Click")')
    ret = make_return(world.home, state="draft", value=Decimal(-5))
    section = ret.sections.get()
    mv = section.values.get()
    return_section_save(
        section=section,
        revision=section.revision,
        fields={"summary": "@SUM(A1:A9)"},
        values={mv.pk: {"note": "+44 calls", "value": Decimal(-5)}},
        by=world.person("officer"),
    )
    client = client_for("officer")
    rows = read_csv(client.get(download_url(ret, "csv")))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Measure"] == '\'=HYPERLINK("http://example.com","Click")'
    assert row["Note"] == "'+44 calls"
    assert row["Value for the quarter"] == "-5"  # a number, not text: left alone

    wb = read_xlsx(client.get(download_url(ret, "xlsx")))
    cells = {c.value: c for c in wb["Measures"][2]}
    title = next(c for v, c in cells.items() if isinstance(v, str) and "HYPERLINK" in v)
    assert title.value.startswith("'=")
    assert title.data_type == "s"
    assert -5 in cells
    narrative = list(wb["Narrative"].iter_rows(min_row=2, values_only=True))[0]
    assert "'@SUM(A1:A9)" in narrative


# Downloading the overview -----------------------------------------------------------


@pytest.fixture
def area(world):
    adopted_plan(world.home)
    adopted_plan(world.neighbour)
    make_return(world.home, state="approved", assessed="green")
    make_return(world.neighbour, state="draft", assessed="red")
    PartnershipFactory(name="Cambridge Partnership", slug="cambridge", force_area=world.area)


def overview_download(world, fmt, **params):
    url = reverse(
        "performance:overview_download", kwargs={"force_area": world.area.slug, "fmt": fmt}
    )
    query = {"period": "2013-q1", **params}
    return url + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def test_the_overview_downloads_as_csv(world, client_for, area):
    response = client_for("pcc_reviewer").get(overview_download(world, "csv"))
    assert response["Content-Disposition"].endswith('filename="norfolk-2013-q1-returns.csv"')
    rows = read_csv(response)
    assert rows[0] == exports.OVERVIEW_HEADINGS
    by_partnership: dict[str, list[dict]] = {}
    for r in rows[1:]:
        record = dict(zip(rows[0], r, strict=True))
        by_partnership.setdefault(record["Partnership"], []).append(record)
    home = by_partnership[world.home.name]
    assert [(r["Priority"], r["Overall assessment"]) for r in home] == [
        ("A", "Green"),
        ("B", "Green"),
    ]
    assert home[0]["Status"] == "Approved"
    assert home[0]["Overdue"] == "No"
    assert home[0]["Returns due by"] == "2013-08-11"
    # A draft's RAG is not shown: one row with its status and no priorities.
    [neighbour] = by_partnership[world.neighbour.name]
    assert (neighbour["Status"], neighbour["Overdue"], neighbour["Priority"]) == (
        "Draft",
        "Yes",
        "",
    )
    assert neighbour["Overall assessment"] == ""
    assert by_partnership["Cambridge Partnership"][0]["Status"] == "Not started"
    assert world.away.name not in by_partnership


def test_the_overview_download_keeps_the_filters(world, client_for, area):
    rows = read_csv(client_for("pcc_reviewer").get(overview_download(world, "csv", overdue="1")))
    assert {r[2] for r in rows[1:]} == {world.neighbour.name, "Cambridge Partnership"}


def test_the_overview_downloads_as_xlsx(world, client_for, area):
    response = client_for("pcc_reviewer").get(overview_download(world, "xlsx"))
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    ws = read_xlsx(response)["Returns"]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == exports.OVERVIEW_HEADINGS
    home = [r for r in rows[1:] if r[2] == world.home.name]
    assert [r[9] for r in home] == ["Green", "Green"]
    assert home[0][5].date().isoformat() == "2013-08-11"  # a real date
    assert home[0][4] is not None  # submitted on


# The template -----------------------------------------------------------------------


@pytest.fixture
def draft(world):
    adopted_plan(world.home)
    return make_return(world.home, state="started")


def template_url(ret, fmt):
    return reverse(
        "performance:return_upload_template",
        kwargs={"partnership": ret.partnership.slug, "code": ret.code, "fmt": fmt},
    )


def upload_url(ret):
    return reverse(
        "performance:return_upload",
        kwargs={"partnership": ret.partnership.slug, "code": ret.code},
    )


def test_the_xlsx_template_lists_every_measure_with_read_only_columns(world, client_for, draft):
    response = client_for("officer").get(template_url(draft, "xlsx"))
    assert response["Content-Disposition"].endswith(
        'filename="norfolk-ccsp-2013-q1-measure-values.xlsx"'
    )
    wb = read_xlsx(response)
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == HEADINGS
    assert [(r[1], r[2]) for r in rows[1:]] == [
        ("A", "(i)"),
        ("A", "(ii)"),
        ("B", "(i)"),
        ("B", "(ii)"),
    ]
    first = dict(zip(HEADINGS, rows[1], strict=True))
    assert first["Target"] == 100
    assert first["Value for the quarter"] is None
    assert first["No data available (yes or no)"] == "no"
    assert ws.protection.sheet
    for column, cell in zip(exports.COLUMNS, ws[2], strict=True):
        assert cell.protection.locked is not column.editable, column.heading
    assert ws.data_validations.dataValidation[0].formula1 == '"yes,no"'
    assert wb.sheetnames[1] == "How to fill it in"


def test_the_csv_template_has_the_same_columns(world, client_for, draft):
    rows = read_csv(client_for("manager").get(template_url(draft, "csv")))
    assert rows[0] == HEADINGS
    assert len(rows) == 5
    assert rows[1][:3] == ["Q1 2013/14", "A", "(i)"]


# Uploading --------------------------------------------------------------------------


def csv_file(rows: list[list], headings=HEADINGS, name="values.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headings)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def row(priority, code, value="", ytd="", comparator="", note="", no_data="no", reason=""):
    return [
        "Q1 2013/14",
        priority,
        code,
        "",
        "",
        "",
        value,
        ytd,
        comparator,
        note,
        no_data,
        reason,
        "",
    ]


def state(ret):
    """Everything an upload could change, to show that nothing did."""
    return (
        list(
            MeasureValue.objects.filter(section__performance_return=ret)
            .order_by("pk")
            .values_list(
                "value", "ytd_value", "national_comparator", "note", "no_data", "calculated_rag"
            )
        ),
        list(
            ReturnSection.objects.filter(performance_return=ret)
            .order_by("pk")
            .values_list("revision", "suggested_rag")
        ),
        MeasureValue.history.count(),
    )


GOOD = [
    row("A", "(i)", "90", "180", "95", "Down on last year"),
    row("A", "(ii)", "150", "300"),
    row("B", "(i)", "", "", "", "", "yes", "Not published until May"),
    row("B", "(ii)", "100"),
]


def test_a_good_file_applies_every_value_and_recalculates_the_rag(world, client_for, draft):
    client = client_for("officer")
    response = client.post(upload_url(draft), {"file": csv_file(GOOD)})
    assert response.status_code == 302
    values = {
        (mv.section.priority.code, mv.measure.code): mv
        for mv in MeasureValue.objects.filter(section__performance_return=draft).select_related(
            "section__priority", "measure"
        )
    }
    a_i = values[("A", "(i)")]
    assert (a_i.value, a_i.ytd_value, a_i.national_comparator, a_i.note) == (
        Decimal(90),
        Decimal(180),
        Decimal(95),
        "Down on last year",
    )
    assert a_i.calculated_rag == "green"
    assert values[("A", "(ii)")].calculated_rag == "red"
    b_i = values[("B", "(i)")]
    assert (b_i.value, b_i.no_data, b_i.no_data_reason) == (None, True, "Not published until May")
    assert values[("B", "(ii)")].calculated_rag == "green"
    sections = {s.priority.code: s for s in draft.sections.select_related("priority")}
    assert sections["A"].suggested_rag == "red"
    assert sections["A"].revision == 2  # saved once, through the service
    # History is kept, with the person who uploaded.
    assert a_i.history.first().history_user == world.person("officer")

    # The page then says what changed.
    page = client.get(response["Location"]).content.decode()
    assert "Measure values uploaded: 9 changes from 4 rows" in page
    changes = table(page, "What changed")
    assert ["A (i) " + a_i.measure.title, "Value for the quarter", "(empty)", "90"] in changes
    suggested = table(page, "What the measures now suggest")
    assert ["A. " + sections["A"].priority.title, "Red"] in suggested


def test_a_file_with_one_bad_row_changes_nothing_and_reports_the_row(world, client_for, draft):
    before = state(draft)
    bad = [*GOOD[:2], row("B", "(i)", "lots"), GOOD[3]]
    response = client_for("officer").post(upload_url(draft), {"file": csv_file(bad)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing has been uploaded" in page
    assert 'href="#row-4">Row 4: Value for the quarter must be a number' in page
    problems = table(page, "Problems in the file")
    assert problems[1][0] == "4"
    assert "must be a number" in problems[1][1]
    assert len(problems) == 2
    assert state(draft) == before


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([row("C", "(i)", "5")], "Row 2: There is no measure C (i) in the Q1 2013/14 return"),
        (
            [row("A", "(i)", "5"), row("A", "(i)", "6")],
            "Row 3: Measure A (i) is also in row 2",
        ),
        ([row("A", "(i)", "twelve")], "Row 2: Value for the quarter must be a number"),
        ([row("A", "(i)", "5", ytd="1.2.3")], "Row 2: Year to date must be a number"),
        ([row("A", "(i)", "5", no_data="yes", reason="x")], "there is also a value"),
        ([row("A", "(i)", "", no_data="yes")], "say why in “Why there is no data”"),
        ([row("A", "(i)", "5", no_data="perhaps")], "No data available must be yes or no"),
        ([row("", "", "5")], "Row 2: Enter the priority and the measure code"),
        (
            [["Q2 2013/14", *row("A", "(i)", "5")[1:]]],
            "This row is for Q2 2013/14, but you are uploading to the Q1 2013/14 return",
        ),
        ([row("A", "(i)", "5", note="x" * 501)], "Note must be 500 characters or fewer"),
    ],
    ids=[
        "unknown-measure",
        "duplicate",
        "not-a-number",
        "ytd-not-a-number",
        "no-data-with-value",
        "no-data-without-reason",
        "no-data-not-yes-or-no",
        "no-measure-given",
        "wrong-quarter",
        "note-too-long",
    ],
)
def test_each_bad_row_is_reported_with_its_reason(world, client_for, draft, rows, expected):
    before = state(draft)
    response = client_for("officer").post(upload_url(draft), {"file": csv_file(rows)})
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert state(draft) == before


def test_a_percentage_must_be_between_0_and_100(world, client_for):
    adopted_plan(world.home, priorities=1, measures=1)
    Measure.objects.update(unit=Measure.Unit.PERCENTAGE, polarity="higher")
    ret = make_return(world.home, state="started")
    client = client_for("officer")
    response = client.post(upload_url(ret), {"file": csv_file([row("A", "(i)", "101")])})
    assert "Value for the quarter must be between 0 and 100" in response.content.decode()
    response = client.post(upload_url(ret), {"file": csv_file([row("A", "(i)", "88%")])})
    assert response.status_code == 302
    assert MeasureValue.objects.get().value == Decimal(88)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("values.txt", b"a,b", "The selected file must be an XLSX or CSV"),
        ("values.xls", b"\xd0\xcf\x11\xe0", "save your .xls file as XLSX or CSV"),
        ("values.xlsx", b"Priority,Measure code", "not a real XLSX spreadsheet"),
        ("values.xlsx", b"PK\x03\x04 broken", "could not be opened as an XLSX"),
        ("values.csv", b"", "The selected file is empty"),
        ("values.csv", b"\n\n,,\n", "The selected file is empty"),
        ("values.csv", b"Measure,Value\nA,1\n", "does not have the template"),
        ("values.csv", ",".join(HEADINGS).encode(), "has headings but no rows"),
        (
            "values.csv",
            b"x" * (uploads.UPLOAD_MAX_BYTES + 1),
            "must be smaller than 2 MB",
        ),
    ],
    ids=[
        "wrong-type",
        "old-excel",
        "fake-xlsx",
        "broken-xlsx",
        "empty",
        "blank",
        "wrong-headings",
        "no-rows",
        "too-large",
    ],
)
def test_a_file_that_cannot_be_used_is_refused_with_a_reason(
    world, client_for, draft, name, content, expected
):
    before = state(draft)
    response = client_for("officer").post(
        upload_url(draft), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert expected in page
    assert 'class="govuk-error-summary"' in page
    assert 'href="#id_file"' in page
    assert state(draft) == before


def test_no_file_chosen(world, client_for, draft):
    response = client_for("officer").post(upload_url(draft), {})
    assert "Select an XLSX or CSV file to upload" in response.content.decode()


def test_the_xlsx_template_round_trips(world, client_for, draft):
    client = client_for("officer")
    wb = read_xlsx(client.get(template_url(draft, "xlsx")))
    ws = wb.worksheets[0]
    column = {c.key: i + 1 for i, c in enumerate(exports.COLUMNS)}
    for r in range(2, 6):
        ws.cell(r, column["value"], 80 + r)
        ws.cell(r, column["ytd_value"], 160 + r)
    ws.cell(2, column["note"], "Filled in Excel")
    out = io.BytesIO()
    wb.save(out)
    upload = SimpleUploadedFile("filled.xlsx", out.getvalue())
    response = client.post(upload_url(draft), {"file": upload})
    assert response.status_code == 302
    values = list(
        MeasureValue.objects.filter(section__performance_return=draft)
        .order_by("section__order", "measure__order")
        .values_list("value", "ytd_value", "calculated_rag")
    )
    assert values == [(Decimal(80 + r), Decimal(160 + r), "green") for r in range(2, 6)]
    assert MeasureValue.objects.filter(note="Filled in Excel").count() == 1


def test_the_csv_template_round_trips(world, client_for, draft):
    client = client_for("manager")
    rows = read_csv(client.get(template_url(draft, "csv")))
    for r in rows[1:]:
        r[6] = "95"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    upload = SimpleUploadedFile("filled.csv", out.getvalue().encode("utf-8-sig"))
    assert client.post(upload_url(draft), {"file": upload}).status_code == 302
    assert set(
        MeasureValue.objects.filter(section__performance_return=draft).values_list(
            "value", flat=True
        )
    ) == {Decimal(95)}


def test_a_percentage_cell_in_excel_counts_as_a_percentage(world, client_for):
    adopted_plan(world.home, priorities=1, measures=1)
    Measure.objects.update(unit=Measure.Unit.PERCENTAGE, polarity="higher")
    ret = make_return(world.home, state="started")
    wb = Workbook()
    ws = wb.active
    ws.append(HEADINGS)
    ws.append(["", "A", "(i)", "", "", "", 0.88, None, None, "", "no", "", None])
    ws["G2"].number_format = "0%"
    out = io.BytesIO()
    wb.save(out)
    response = client_for("officer").post(
        upload_url(ret), {"file": SimpleUploadedFile("p.xlsx", out.getvalue())}
    )
    assert response.status_code == 302
    assert MeasureValue.objects.get().value == Decimal(88)


def test_a_template_older_than_the_last_save_is_refused(world, client_for, draft):
    client = client_for("officer")
    rows = read_csv(client.get(template_url(draft, "csv")))
    # A colleague saves section A after the template was downloaded.
    section = draft.sections.get(priority__code="A")
    mv = section.values.get(measure__code="(i)")
    return_section_save(
        section=section,
        revision=section.revision,
        fields={},
        values={mv.pk: {"value": Decimal(70)}},
        by=world.person("manager"),
    )
    before = state(draft)
    for r in rows[1:]:
        r[6] = "95"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    response = client.post(
        upload_url(draft), {"file": SimpleUploadedFile("old.csv", out.getvalue().encode())}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Manager saved priority A at" in page
    assert "Nothing has been uploaded" in page
    assert state(draft) == before
    assert MeasureValue.objects.get(pk=mv.pk).value == Decimal(70)


def test_an_assessment_the_new_values_contradict_needs_a_justification_first(world, client_for):
    adopted_plan(world.home)
    ret = make_return(world.home, state="draft", assessed="green")
    ReturnSection.objects.update(rag_justification="")
    before = state(ret)
    response = client_for("officer").post(
        upload_url(ret), {"file": csv_file([row("A", "(i)", "150"), row("A", "(ii)", "150")])}
    )
    page = response.content.decode()
    assert "Nothing has been uploaded. Priority A: Explain why your assessment (Green)" in page
    assert state(ret) == before


def test_empty_rows_leave_their_measures_alone(world, client_for):
    adopted_plan(world.home)
    ret = make_return(world.home, state="draft", value=Decimal(90))
    response = client_for("officer").post(
        upload_url(ret), {"file": csv_file([row("A", "(i)", "95"), row("A", "(ii)")])}
    )
    assert response.status_code == 302
    values = dict(
        MeasureValue.objects.filter(
            section__performance_return=ret, section__priority__code="A"
        ).values_list("measure__code", "value")
    )
    assert values == {"(i)": Decimal(95), "(ii)": Decimal(90)}


def test_nobody_can_upload_to_a_submitted_return(world, client_for):
    adopted_plan(world.home)
    ret = make_return(world.home, state="submitted")
    response = client_for("officer").post(upload_url(ret), {"file": csv_file(GOOD)})
    assert response.status_code == 403
    assert PerformanceReturn.objects.get(pk=ret.pk).status == "submitted"
    assert "submitted for sign-off" in response.content.decode()


def test_the_parser_numbers_rows_as_the_spreadsheet_does():
    content = (
        "\n\n"
        + ",".join(HEADINGS)
        + "\n"
        + ",".join(row("A", "(i)", "1"))
        + "\n\n"
        + ",".join(row("A", "(ii)", "2"))
    ).encode()
    rows = uploads.parse_upload(
        uploads.check_measure_values_file(SimpleUploadedFile("x.csv", content))
    )
    assert [r.number for r in rows] == [4, 6]
    assert rows[1].cells["value"] == "2"
