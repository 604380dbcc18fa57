"""CSV and XLSX, written and read in one place.

Writing
- Spreadsheets run a cell that starts like a formula (=, +, -, @, tab, carriage return):
  every text cell and heading goes through ``spreadsheet_safe``, which puts an apostrophe
  in front (CSV injection); ``spreadsheet_unsafe`` takes it off again when a file we
  wrote comes back as an upload.
- Numbers are numbers in XLSX (with a thousands format) and plain in CSV (no separators,
  so a spreadsheet reads them as numbers); dates are ISO in CSV and "1 April 2026" in
  XLSX; true and false are "Yes" and "No".
- CSV is UTF-8 with a byte order mark, so Excel opens it with the right characters.
- ``csv_response`` and ``xlsx_response`` answer with an attachment that no shared cache
  keeps (``csp_portal.lib.downloads.file_response``: ``Cache-Control: private, no-store``).

Reading (an upload made from a template we wrote)
- Only the template's columns and rows are read, and the work is bounded before it
  starts: ``read_xlsx_rows`` refuses a sheet whose declared dimensions (the sheet's
  ``<dimension ref=...>``) exceed the template's, then scans the sheet's XML (cheaply,
  stopping at the first cell outside the template or once more cells than the template
  has were seen), because a dimension can be missing or lie; only then does openpyxl
  read the cells, asked for the template's columns and rows alone.
- Call ``csp_portal.lib.uploads.check_upload`` first: it refuses an archive that would
  unpack to too much before openpyxl opens it (openpyxl reads all shared strings at once).
- openpyxl parses with defusedxml when it is installed (it is a dependency): no entity
  expansion, no external entities.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from xml.parsers import expat

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from csp_portal.lib.downloads import file_response

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def spreadsheet_safe(value: str) -> str:
    """Text that no spreadsheet will run as a formula."""
    if value and value.startswith(DANGEROUS_START):
        return "'" + value
    return value


def spreadsheet_unsafe(value: str) -> str:
    """Undo spreadsheet_safe when a file we wrote is read back."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(DANGEROUS_START):
        return value[1:]
    return value


# Writing ------------------------------------------------------------------------------


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return spreadsheet_safe(str(value))


def csv_bytes(headings: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a byte order mark, so Excel opens it with the right characters."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([spreadsheet_safe(h) for h in headings])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date()
    if isinstance(value, str):
        return spreadsheet_safe(value)
    return value


@dataclass(frozen=True)
class Sheet:
    title: str
    headings: Sequence[str]
    rows: Sequence[Sequence[Any]]
    # Column widths in characters, from the first column; columns beyond keep the default.
    widths: Sequence[int] = ()


def write_sheet(ws: Any, sheet: Sheet) -> None:
    """Headings in bold and frozen, numbers and dates formatted, text never a formula."""
    ws.title = sheet.title
    ws.append([spreadsheet_safe(h) for h in sheet.headings])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.data_type = "s"
    for row in sheet.rows:
        ws.append([_xlsx_value(v) for v in row])
    for index, width in enumerate(sheet.widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, Decimal | int | float) and not isinstance(cell.value, bool):
                cell.number_format = "#,##0" if cell.value == int(cell.value) else "#,##0.00"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "d mmmm yyyy"
            elif isinstance(cell.value, str):
                # Stored as text whatever it looks like: never a formula.
                cell.data_type = "s"
    ws.freeze_panes = "A2"


def new_workbook(*sheets: Sheet) -> Workbook:
    """A workbook with these sheets, in order (callers may add to it before saving)."""
    wb = Workbook()
    for index, sheet in enumerate(sheets):
        write_sheet(wb.active if index == 0 else wb.create_sheet(), sheet)
    return wb


def workbook_bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_bytes(*sheets: Sheet) -> bytes:
    return workbook_bytes(new_workbook(*sheets))


def csv_response(
    filename: str, headings: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """A CSV download: attachment, private, no-store."""
    return file_response(csv_bytes(headings, rows), CSV_CONTENT_TYPE, filename)


def xlsx_response(filename: str, *sheets: Sheet) -> HttpResponse:
    """An XLSX download: attachment, private, no-store."""
    return file_response(xlsx_bytes(*sheets), XLSX_CONTENT_TYPE, filename)


def spreadsheet_response(body: bytes, fmt: str, filename: str) -> HttpResponse:
    """A CSV or XLSX file already built ("csv" or "xlsx"), as a download."""
    return file_response(body, CSV_CONTENT_TYPE if fmt == "csv" else XLSX_CONTENT_TYPE, filename)


# Reading --------------------------------------------------------------------------------


def _too_wide(columns: int, max_columns: int, what: str) -> ValidationError:
    return ValidationError(
        f"The {what} has {columns:,} columns; the template has {max_columns}. "
        "Download the template again",
        code="too_wide",
    )


def _too_long(rows: int, max_rows: int, what: str) -> ValidationError:
    return ValidationError(
        f"The {what} has {rows:,} rows; the template has at most {max_rows:,}. "
        "Download the template again",
        code="too_long",
    )


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REF = re.compile(r"([A-Za-z]{1,3})(\d+)$")


def _ref(ref: str) -> tuple[int, int] | None:
    """(column, row) of a reference like "XFD12", or None."""
    match = _REF.match(ref)
    if not match:
        return None
    return column_index_from_string(match.group(1).upper()), int(match.group(2))


def _unreadable_xml() -> ValidationError:
    return ValidationError(
        "The file could not be opened as an XLSX spreadsheet: part of it is not "
        "spreadsheet XML. Save it as XLSX (Excel Workbook) or CSV and try again",
        code="damaged",
    )


class _PartScan:
    """Counts one XML part of a workbook as expat streams it, and stops it (by raising)
    at the first element outside the limits. expat's callbacks are cheap; building
    elements, as ElementTree and openpyxl do, is not."""

    def __init__(self, max_rows: int, max_columns: int) -> None:
        self.max_rows, self.max_columns = max_rows, max_columns
        self.max_cells = max_rows * max_columns
        # A cell is at most three elements (c, is, t) and a row one more; the rest of a
        # template's parts (styles, theme) are a few thousand.
        self.max_elements = 4 * self.max_cells + 20_000
        self.elements = self.cells = self.row = self.column = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.elements += 1
        if self.elements > self.max_elements:
            raise ValidationError(
                "The file holds far more than the template does. Download the template again",
                code="too_many_elements",
            )
        if name == _MAIN + "dimension":
            # The declared size: the cheap refusal (a 16,384-column sheet stops here).
            last = _ref(attrs.get("ref", "").rsplit(":", 1)[-1])
            if last:
                self.check(*last, declared=True)
        elif name == _MAIN + "row":
            number = attrs.get("r", "")
            self.row = int(number) if number.isdigit() else self.row + 1
            self.column = 0
        elif name == _MAIN + "c":
            # The dimension may be missing or lie: each cell is checked too.
            self.cells += 1
            found = _ref(attrs.get("r", ""))
            self.column, self.row = found if found else (self.column + 1, self.row)
            self.check(self.column, self.row)
            if self.cells > self.max_cells:
                raise ValidationError(
                    f"The sheet has more than {self.max_cells:,} cells; the template has at "
                    f"most {self.max_cells:,}. Download the template again",
                    code="too_many_cells",
                )

    def check(self, column: int, row: int, declared: bool = False) -> None:
        if column > self.max_columns:
            if declared:
                raise _too_wide(column, self.max_columns, "sheet")
            raise ValidationError(
                f"The sheet has a cell in column {get_column_letter(column)} (column "
                f"{column:,}); the template has {self.max_columns} columns. Download the "
                "template again",
                code="too_wide",
            )
        if row > self.max_rows:
            if declared:
                raise _too_long(row, self.max_rows, "sheet")
            raise ValidationError(
                f"The sheet has a cell in row {row:,}; the template has at most "
                f"{self.max_rows:,} rows. Download the template again",
                code="too_long",
            )

    def forbid(self, *args: Any) -> None:
        # No spreadsheet part has a document type: one here is an entity-expansion attack.
        raise _unreadable_xml()


def check_xlsx_parts(content: bytes, *, max_rows: int, max_columns: int) -> None:
    """Before openpyxl opens the workbook: every XML part streamed through expat, refused
    at the first cell beyond max_rows x max_columns (declared or real), past as many
    cells as that, past a few times as many elements, or with a document type (entity
    expansion). openpyxl reads every sheet's XML once just to find its size when the
    sheet does not declare one, and all shared strings at once, so this comes first.
    The archive's own limits (csp_portal.lib.uploads) bound the bytes streamed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise _damaged() from exc
    with archive:
        for info in archive.infolist():
            if not info.filename.endswith((".xml", ".rels")):
                continue
            scan = _PartScan(max_rows, max_columns)
            parser = expat.ParserCreate(namespace_separator="}")
            parser.StartElementHandler = scan.start
            parser.StartDoctypeDeclHandler = scan.forbid
            parser.EntityDeclHandler = scan.forbid
            try:
                with archive.open(info) as stream:
                    while chunk := stream.read(64 * 1024):
                        parser.Parse(chunk, False)
                parser.Parse(b"", True)
            except expat.ExpatError as exc:
                raise _unreadable_xml() from exc
            except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
                raise _damaged() from exc


def _is_percent_format(number_format: str) -> bool:
    return "%" in re.sub(r'"[^"]*"', "", number_format or "")


def _damaged() -> ValidationError:
    return ValidationError(
        "The file could not be opened as an XLSX spreadsheet. Save it as XLSX "
        "(Excel Workbook) or CSV and try again",
        code="damaged",
    )


def read_xlsx_rows(content: bytes, *, max_rows: int, max_columns: int) -> list[list[Any]]:
    """The first sheet's cells as values, at most max_rows x max_columns of them. A number
    in a percentage-formatted cell is read as the percentage people typed (88, not 0.88).
    Raises ValidationError with a message for the file field."""
    check_xlsx_parts(content, max_rows=max_rows, max_columns=max_columns)
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 (a damaged workbook fails in many ways)
        raise _damaged() from exc
    try:
        ws = wb.worksheets[0] if wb.worksheets else None
        if not isinstance(ws, ReadOnlyWorksheet):
            raise ValidationError("The first sheet of the file has no cells", code="no_sheet")
        rows: list[list[Any]] = []
        for row in ws.iter_rows(min_row=1, max_row=max_rows, min_col=1, max_col=max_columns):
            values = []
            for cell in row:
                value = getattr(cell, "value", None)
                if (
                    isinstance(value, int | float)
                    and not isinstance(value, bool)
                    and _is_percent_format(getattr(cell, "number_format", ""))
                ):
                    # 88% typed into a percentage cell is stored as 0.88.
                    value = Decimal(str(value)) * 100
                values.append(value)
            rows.append(values)
        return rows
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 (a damaged workbook can fail in many ways)
        raise ValidationError(
            "The spreadsheet could not be read. Save it again as XLSX or CSV and try again",
            code="damaged",
        ) from exc
    finally:
        wb.close()


def read_csv_rows(
    content: bytes, *, max_rows: int, max_columns: int, encoding: str | None = None
) -> list[list[str]]:
    """The rows of a CSV file, refused past max_rows rows or max_columns filled columns
    (empty trailing fields, which spreadsheets add, do not count). ``encoding`` is the
    one ``check_upload`` found; without it UTF-8 is tried, then Windows-1252."""
    text = None
    for codec in (encoding,) if encoding else ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(codec)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise ValidationError(
            "The file could not be read as CSV. Save it from your spreadsheet as "
            "“CSV UTF-8” or as XLSX and try again",
            code="encoding",
        )
    if "\x00" in text:
        raise ValidationError(
            "The file is not a CSV file. Upload the template as XLSX or CSV", code="binary"
        )
    rows: list[list[str]] = []
    try:
        # The csv module's own field size limit (131,072 characters) bounds each cell.
        for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if number > max_rows:
                raise ValidationError(
                    f"The file has more than {max_rows:,} rows; the template has at most "
                    f"{max_rows:,}. Download the template again",
                    code="too_long",
                )
            while row and not row[-1].strip():
                row.pop()
            if len(row) > max_columns:
                raise _too_wide(len(row), max_columns, "file")
            rows.append(row)
    except csv.Error as exc:
        raise ValidationError(f"The CSV file could not be read: {exc}", code="unreadable") from exc
    return rows
