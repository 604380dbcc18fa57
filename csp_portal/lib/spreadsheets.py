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

from defusedxml.ElementTree import iterparse
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


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


_REF = re.compile(r"([A-Za-z]{1,3})(\d+)$")


def scan_sheet_xml(source: Any, *, max_rows: int, max_columns: int) -> None:
    """Refuse a sheet with a cell outside max_rows x max_columns or more cells than fit
    in it, whatever its dimension says. Stops at the first such cell, so a hostile
    sheet costs a few milliseconds; the XML parser itself is bounded by the archive
    limits checked before (csp_portal.lib.uploads)."""
    max_cells = max_rows * max_columns
    cells = row = column = 0
    sheet_data = None
    for event, element in iterparse(source, events=("start", "end")):
        tag = _local(element.tag)
        if event == "end":
            if tag == "row" and sheet_data is not None:
                sheet_data.clear()  # keep memory flat however many rows there are
            continue
        if tag == "sheetData":
            sheet_data = element
        elif tag == "row":
            number = element.get("r", "")
            row = int(number) if number.isdigit() else row + 1
            column = 0
        elif tag == "c":
            cells += 1
            match = _REF.match(element.get("r", ""))
            if match:
                column = column_index_from_string(match.group(1).upper())
                row = int(match.group(2))
            else:
                column += 1
            if column > max_columns:
                raise _too_wide(column, max_columns, "sheet")
            if row > max_rows:
                raise _too_long(row, max_rows, "sheet")
            if cells > max_cells:
                raise ValidationError(
                    f"The sheet has more than {max_cells:,} cells; the template has at most "
                    f"{max_cells:,}. Download the template again",
                    code="too_many_cells",
                )


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
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise _damaged() from exc
    except Exception as exc:  # noqa: BLE001 (defusedxml and damaged XML fail in many ways)
        raise _damaged() from exc
    try:
        ws = wb.worksheets[0] if wb.worksheets else None
        if not isinstance(ws, ReadOnlyWorksheet):
            raise ValidationError("The first sheet of the file has no cells", code="no_sheet")
        # Declared dimensions: the cheap refusal (a 16,384-column sheet stops here).
        if ws.max_column and ws.max_column > max_columns:
            raise _too_wide(ws.max_column, max_columns, "sheet")
        if ws.max_row and ws.max_row > max_rows:
            raise _too_long(ws.max_row, max_rows, "sheet")
        # The dimension may be missing or lie: look at the cells themselves. openpyxl's
        # read-only sheet opens its own part of the archive; so do we, once.
        with ws._get_source() as source:
            scan_sheet_xml(source, max_rows=max_rows, max_columns=max_columns)
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
