"""Upload files for the upload benchmark and the hardening tests: an honest measure
values template of any size, and the hostile files an attacker would send.

The hostile XLSX files are written part by part (the XML of a workbook, streamed into
the archive), so a sheet of 16,384 columns or a 500 MB shared string costs a few
seconds of compression and no disk or memory: nothing here holds more than one chunk.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
    '<sheets><sheet name="Measure values" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
CHUNK = 1024 * 1024


def _cell(ref: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def sheet_rows(rows: Iterable[Sequence[Any]], first_row: int = 1) -> Iterator[str]:
    for number, row in enumerate(rows, start=first_row):
        cells = "".join(
            _cell(f"{get_column_letter(i)}{number}", v) for i, v in enumerate(row, start=1)
        )
        yield f'<row r="{number}">{cells}</row>'


def sheet_xml(body: Iterable[str], dimension: str | None) -> Iterator[str]:
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}">'
    if dimension:
        yield f'<dimension ref="{dimension}"/>'
    yield "<sheetData>"
    yield from body
    yield "</sheetData></worksheet>"


def _chunks(parts: Iterable[str]) -> Iterator[bytes]:
    buffer: list[str] = []
    size = 0
    for part in parts:
        buffer.append(part)
        size += len(part)
        if size >= CHUNK:
            yield "".join(buffer).encode()
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer).encode()


def xlsx(
    sheet: Iterable[str],
    shared_strings: Iterable[str] = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" count="0" uniqueCount="0"/>',
    ),
    extra_members: int = 0,
) -> bytes:
    """A workbook openpyxl opens, from the sheet's XML and the shared strings' XML, both
    streamed into the archive."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        for name, parts in (
            ("xl/worksheets/sheet1.xml", sheet),
            ("xl/sharedStrings.xml", shared_strings),
        ):
            with archive.open(name, "w", force_zip64=True) as member:
                for chunk in _chunks(parts):
                    member.write(chunk)
        for index in range(extra_members):
            archive.writestr(f"customXml/item{index}.xml", "<a/>")
    return out.getvalue()


def table_xlsx(rows: Sequence[Sequence[Any]], dimension: str | None = "auto") -> bytes:
    """An ordinary workbook of these rows (dimension 'auto' declares the real one)."""
    if dimension == "auto":
        width = max((len(r) for r in rows), default=1)
        dimension = f"A1:{get_column_letter(width)}{max(len(rows), 1)}"
    return xlsx(sheet_xml(sheet_rows(rows), dimension))


# Hostile files ------------------------------------------------------------------------


def wide_xlsx(headings: Sequence[str], rows: int = 100, columns: int = 16_384) -> bytes:
    """The template's headings, and rows that reach column XFD (16,384), declared so."""
    last = get_column_letter(columns)

    def body() -> Iterator[str]:
        yield from sheet_rows([headings])
        for number in range(2, rows + 2):
            yield f'<row r="{number}"><c r="A{number}"><v>1</v></c><c r="{last}{number}"><v>1</v></c></row>'

    return xlsx(sheet_xml(body(), f"A1:{last}{rows + 1}"))


def lying_dimension_xlsx(
    headings: Sequence[str], rows: int = 20, columns: int = 16_384, dimension: str | None = "A1:M2"
) -> bytes:
    """Every cell of `columns` columns filled on each row, while the sheet declares
    itself small (or, with dimension=None, declares nothing)."""

    def body() -> Iterator[str]:
        yield from sheet_rows([headings])
        for number in range(2, rows + 2):
            cells = "".join(
                f'<c r="{get_column_letter(c)}{number}"><v>{c}</v></c>'
                for c in range(1, columns + 1)
            )
            yield f'<row r="{number}">{cells}</row>'

    return xlsx(sheet_xml(body(), dimension))


def shared_string_bomb_xlsx(headings: Sequence[str], unpacked: int = 500 * 1024 * 1024) -> bytes:
    """One shared string of `unpacked` bytes of zeros, used by a cell: about 0.5 MB."""

    def strings() -> Iterator[str]:
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>'
        zeros = "0" * CHUNK
        for _ in range(unpacked // CHUNK):
            yield zeros
        yield "</t></si></sst>"

    body = [*sheet_rows([headings]), '<row r="2"><c r="A2" t="s"><v>0</v></c></row>']
    return xlsx(sheet_xml(body, "A1:M2"), strings())


def repeated_strings_xlsx(headings: Sequence[str], count: int = 2_000, size: int = 50_000) -> bytes:
    """Many different big shared strings (each cell its own): small to send, large once
    read (count x size characters), each part under a high compression ratio alone."""

    def strings() -> Iterator[str]:
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" count="{count}" uniqueCount="{count}">'
        filler = "measure value " * (size // 14)
        for index in range(count):
            yield f"<si><t>{index} {filler}</t></si>"
        yield "</sst>"

    body = [*sheet_rows([headings])] + [
        f'<row r="{n}"><c r="D{n}" t="s"><v>{n - 2}</v></c></row>' for n in range(2, count + 2)
    ]
    return xlsx(sheet_xml(body, f"A1:M{count + 1}"), strings())


def entity_expansion_xlsx(headings: Sequence[str]) -> bytes:
    """A "billion laughs" shared-strings part: 1 KB that an unguarded parser expands to
    gigabytes."""
    entities = '<!ENTITY a0 "laugh">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    strings = (
        f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE sst [{entities}]>'
        f'<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>&a9;</t></si></sst>'
    )
    body = [*sheet_rows([headings]), '<row r="2"><c r="A2" t="s"><v>0</v></c></row>']
    return xlsx(sheet_xml(body, "A1:M2"), [strings])


def zeros_zip(name: str = "xl/worksheets/sheet1.xml", unpacked: int = 5 * 1024 * 1024) -> bytes:
    """An XLSX-looking archive with one member of zeros: far past any honest ratio."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        with archive.open(name, "w", force_zip64=True) as member:
            zeros = b"0" * CHUNK
            for _ in range(unpacked // CHUNK):
                member.write(zeros)
    return out.getvalue()
