"""Uploads that cannot tie up or exhaust a worker (issue 7, points 6 and 7), and the
checked-upload helper every upload goes through (csp_portal.lib.uploads).

The hostile files are built here, part by part, by benchmark/upload_files.py: a sheet of
16,384 columns, sheets whose dimension lies or is missing, a 500 MB shared string in
half a megabyte, many big strings, a billion-laughs entity and a ratio bomb. Each is
refused with a message for the file field; no test measures time."""

from __future__ import annotations

import hashlib
import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from benchmark import upload_files
from csp_portal.lib.spreadsheets import read_csv_rows, read_xlsx_rows
from csp_portal.lib.uploads import (
    MB,
    Kind,
    ZipLimits,
    check_upload,
    clean_filename,
    describe_allowed,
)
from performance.exports import COLUMNS
from performance.models import MeasureValue
from performance.uploads import check_measure_values_file, parse_upload
from tests.performance.builders import adopted_plan
from tests.performance.insight_builders import make_return

HEADINGS = [c.heading for c in COLUMNS]
SHEETS = {Kind.XLSX, Kind.CSV}


def refusal(call, *args, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    return " ".join(caught.value.messages)


def measure_values(content: bytes, name: str = "values.xlsx"):
    return parse_upload(check_measure_values_file(SimpleUploadedFile(name, content)))


# The template's bounds (point 6) ------------------------------------------------------


def test_a_sheet_declaring_16384_columns_is_refused_by_its_dimension():
    content = upload_files.wide_xlsx(HEADINGS, rows=2000)
    assert len(content) < 30_000  # what the attack cost to send
    message = refusal(measure_values, content)
    assert message == (
        "The sheet has 16,384 columns; the template has 13. Download the template again"
    )


def test_a_sheet_declaring_more_rows_than_the_template_is_refused():
    rows = [HEADINGS, *[["Q1", "A", "(i)"] for _ in range(10)]]
    content = upload_files.table_xlsx(rows, dimension="A1:M1048576")
    assert refusal(measure_values, content) == (
        "The sheet has 1,048,576 rows; the template has at most 2,001. Download the template again"
    )


@pytest.mark.parametrize("dimension", ["A1:M2", None], ids=["lying", "missing"])
def test_a_sheet_whose_dimension_lies_or_is_missing_is_refused_by_its_cells(dimension):
    content = upload_files.lying_dimension_xlsx(HEADINGS, rows=20, dimension=dimension)
    assert refusal(measure_values, content) == (
        "The sheet has a cell in column N (column 14); the template has 13 columns. "
        "Download the template again"
    )


def test_a_sheet_with_cells_below_the_template_is_refused():
    body = [
        *upload_files.sheet_rows([HEADINGS]),
        '<row r="900000"><c r="A900000"><v>1</v></c></row>',
    ]
    content = upload_files.xlsx(upload_files.sheet_xml(body, None))
    assert refusal(measure_values, content) == (
        "The sheet has a cell in row 900,000; the template has at most 2,001 rows. "
        "Download the template again"
    )


def test_cells_repeated_within_the_bounds_are_capped():
    # The same cell a million times: every one inside the template, far too many in all.
    body = [
        *upload_files.sheet_rows([HEADINGS]),
        "<row r='2'>" + '<c r="A2"><v>1</v></c>' * 30_000 + "</row>",
    ]
    content = upload_files.xlsx(upload_files.sheet_xml(body, "A1:M2"))
    assert "The sheet has more than 26,013 cells" in refusal(measure_values, content)


def test_only_the_template_columns_and_rows_are_read():
    rows = [HEADINGS, ["Q1", "A", "(i)", "", "", "", 5]]
    table = read_xlsx_rows(upload_files.table_xlsx(rows), max_rows=10, max_columns=13)
    assert len(table) == 2
    assert all(len(row) == 13 for row in table)  # every row as wide as the template
    assert table[1][6] == 5


def test_a_csv_wider_or_longer_than_the_template_is_refused():
    wide = (",".join(HEADINGS) + "\n" + "A," * 20_000 + "\n").encode()
    assert refusal(measure_values, wide, "values.csv") == (
        "The file has 20,000 columns; the template has 13. Download the template again"
    )
    long = (",".join(HEADINGS) + "\n" + "A,(i)\n" * 2_500).encode()
    assert refusal(measure_values, long, "values.csv") == (
        "The file has more than 2,001 rows; the template has at most 2,001. "
        "Download the template again"
    )


def test_a_csv_cell_over_the_field_limit_is_refused_with_a_message():
    content = (",".join(HEADINGS) + '\n"' + "x" * 200_000 + '"\n').encode()
    assert "The CSV file could not be read: field larger than field limit" in refusal(
        read_csv_rows, content, max_rows=10, max_columns=13
    )


def test_trailing_empty_csv_fields_do_not_count_as_columns():
    content = (",".join(HEADINGS) + ",,,,,,\n").encode()
    assert read_csv_rows(content, max_rows=10, max_columns=13) == [HEADINGS]


# Archives that unpack to too much (point 7) ---------------------------------------------


def test_a_500_mb_shared_string_is_refused_before_the_workbook_is_opened(monkeypatch):
    content = upload_files.shared_string_bomb_xlsx(HEADINGS)
    assert len(content) < 1 * MB
    # Nothing may open it: the refusal comes from the archive's directory alone.
    monkeypatch.setattr(
        "csp_portal.lib.spreadsheets.load_workbook",
        lambda *a, **k: pytest.fail("the workbook was opened"),
    )
    message = refusal(measure_values, content)
    assert message.startswith(
        "The selected file unpacks to 500 MB, more than the 10 MB an upload may unpack to."
    )


def test_many_big_shared_strings_are_refused_by_their_unpacked_size():
    content = upload_files.repeated_strings_xlsx(HEADINGS, count=2_000, size=50_000)
    assert len(content) < 1 * MB
    assert "The selected file unpacks to 95 MB" in refusal(measure_values, content)


def test_a_member_compressed_past_the_ratio_is_refused():
    content = upload_files.zeros_zip(unpacked=5 * MB)
    assert "compressed more than 100 times over" in refusal(measure_values, content)


def test_an_archive_with_too_many_members_is_refused():
    content = upload_files.xlsx(upload_files.sheet_xml([], None), extra_members=150)
    assert "holds 156 parts, more than the 100 an upload may have" in refusal(
        measure_values, content
    )


def test_an_encrypted_member_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    # zipfile cannot write encrypted members: set the "encrypted" flag of the last one in
    # its central directory entry (the flags are 8 bytes into it), as a real one has.
    content = bytearray(out.getvalue())
    entry = content.rindex(b"PK\x01\x02")
    content[entry + 8] |= 0x1
    assert "password-protected" in refusal(measure_values, bytes(content))


def test_entity_expansion_is_refused_and_openpyxl_parses_with_defusedxml():
    assert openpyxl.DEFUSEDXML is True  # pyproject pins defusedxml so openpyxl uses it
    content = upload_files.entity_expansion_xlsx(HEADINGS)
    assert "part of it is not spreadsheet XML" in refusal(measure_values, content)


# The page: refused next to the field, nothing changed ------------------------------------


@pytest.fixture
def draft(world):
    adopted_plan(world.home)
    return make_return(world.home, state="started")


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda: upload_files.wide_xlsx(HEADINGS), "The sheet has 16,384 columns"),
        (lambda: upload_files.lying_dimension_xlsx(HEADINGS), "in column N (column 14)"),
        (lambda: upload_files.shared_string_bomb_xlsx(HEADINGS), "unpacks to 500 MB"),
    ],
    ids=["wide", "lying-dimension", "shared-string-bomb"],
)
def test_the_upload_page_refuses_hostile_files_next_to_the_field(
    world, client_for, draft, build, expected
):
    before = list(MeasureValue.objects.values_list("value", flat=True))
    url = reverse(
        "performance:return_upload",
        kwargs={"partnership": draft.partnership.slug, "code": draft.code},
    )
    response = client_for("officer").post(url, {"file": SimpleUploadedFile("values.xlsx", build())})
    assert response.status_code == 200
    page = response.content.decode()
    assert expected in page
    assert 'href="#id_file"' in page
    assert list(MeasureValue.objects.values_list("value", flat=True)) == before


# The checked-upload helper -----------------------------------------------------------------


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return out.getvalue()


def odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


KINDS = [
    ("report.pdf", b"%PDF-1.7\n...", Kind.PDF),
    ("photo.png", b"\x89PNG\r\n\x1a\n....", Kind.PNG),
    ("photo.jpeg", b"\xff\xd8\xff\xe0....", Kind.JPEG),
    ("values.xlsx", upload_files.table_xlsx([HEADINGS]), Kind.XLSX),
    ("letter.docx", docx(), Kind.DOCX),
    ("letter.odt", odt(), Kind.ODT),
    ("values.csv", "Priority,Measure code\nA,(i)\n".encode("utf-8-sig"), Kind.CSV),
    ("notes.txt", "Café\n".encode("cp1252"), Kind.TEXT),
]


@pytest.mark.parametrize(("name", "content", "kind"), KINDS, ids=[k[2].name for k in KINDS])
def test_the_kind_comes_from_the_content(name, content, kind):
    checked = check_upload(SimpleUploadedFile(name, content), allowed=set(Kind), max_bytes=MB)
    assert checked.kind is kind
    assert checked.size == len(content)
    assert checked.clean_name == name


def test_the_result_describes_the_file_and_leaves_it_at_its_start():
    upload = SimpleUploadedFile("values.csv", b"a,b\n")
    checked = check_upload(upload, allowed=SHEETS, max_bytes=MB)
    assert checked.sha256 == hashlib.sha256(b"a,b\n").hexdigest()
    assert (checked.kind, checked.size, checked.clean_name) == (Kind.CSV, 4, "values.csv")
    assert checked.encoding == "utf-8-sig"
    assert upload.read() == b"a,b\n"


@pytest.mark.parametrize(
    ("name", "content", "allowed", "expected"),
    [
        (
            "values.xlsx",
            b"%PDF-1.4",
            SHEETS,
            "The file is not a real XLSX spreadsheet. Upload an XLSX or CSV",
        ),
        (
            "values.csv",
            b"\x00\x01\x02",
            SHEETS,
            "The file is not a real CSV file. Upload an XLSX or CSV",
        ),
        ("values.txt", b"a,b", SHEETS, "The selected file must be an XLSX or CSV"),
        (
            "values.xls",
            b"\xd0\xcf\x11\xe0",
            SHEETS,
            "The selected file must be an XLSX or CSV: save your .xls file as XLSX or CSV",
        ),
        (
            "values.csv",
            upload_files.table_xlsx([HEADINGS]),
            SHEETS,
            "The file is named .csv but is an XLSX spreadsheet. Rename it to end in .xlsx, or save it as a CSV, and upload it again",
        ),
        (
            "report.docx",
            b"PK\x03\x04 broken",
            {Kind.DOCX, Kind.PDF},
            "The file could not be opened as a Word document (DOCX). Save it again as a DOCX or PDF and try again",
        ),
        ("report.pdf", b"", {Kind.PDF}, "The selected file is empty"),
        (
            "report.pdf",
            b"%PDF-" + b"x" * MB,
            {Kind.PDF},
            "The selected file must be smaller than 1 MB",
        ),
    ],
    ids=[
        "fake-xlsx",
        "binary-csv",
        "text",
        "old-excel",
        "misnamed",
        "damaged",
        "empty",
        "too-large",
    ],
)
def test_a_file_that_is_not_what_the_use_allows_is_refused(name, content, allowed, expected):
    assert (
        refusal(check_upload, SimpleUploadedFile(name, content), allowed=allowed, max_bytes=MB)
        == expected
    )


def test_a_name_without_an_extension_gets_the_kind_of_its_content():
    checked = check_upload(
        SimpleUploadedFile("scan", b"%PDF-1.4"), allowed={Kind.PDF}, max_bytes=MB
    )
    assert checked.clean_name == "scan.pdf"


def test_zip_limits_are_set_per_use():
    content = upload_files.table_xlsx([HEADINGS])
    limits = ZipLimits(max_uncompressed_bytes=1000)
    assert "an upload may unpack to" in refusal(
        check_upload,
        SimpleUploadedFile("v.xlsx", content),
        allowed=SHEETS,
        max_bytes=MB,
        zip_limits=limits,
    )


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("C:\\Users\\ann\\Desktop\\values.xlsx", "values.xlsx"),
        ("../../etc/passwd", "passwd"),
        ("report\u202efdp.exe", "reportfdp.exe"),
        ("bad\x00name\r\n.csv", "badname.csv"),
        ('a<b>c:d"e|f?g*.pdf', "a_b_c_d_e_f_g_.pdf"),
        ("CON.txt", "_CON.txt"),
        ("lpt1", "_lpt1"),
        ("  .hidden.  ", "hidden"),
        ("...", "upload"),
        ("x" * 300 + ".PDF", "x" * 96 + ".pdf"),
        ("Cafe\u0301 notes.docx", "Café notes.docx"),
    ],
)
def test_file_names_are_cleaned(name, clean):
    assert clean_filename(name) == clean


def test_the_allowed_kinds_read_as_a_sentence():
    assert describe_allowed({Kind.CSV, Kind.XLSX}) == "an XLSX or CSV"
    assert describe_allowed({Kind.ODT, Kind.PDF, Kind.DOCX}) == "a DOCX, ODT or PDF"
    assert describe_allowed({Kind.PDF}) == "a PDF"
