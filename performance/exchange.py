"""Data in and out: a return and the force-area overview as CSV and XLSX, the measure
values template, and uploading measure values from that template.

Downloads
- A return as CSV is its measure grid: one row per measure, with the priority's
  overall (assessed) RAG and what the measures suggest repeated on each row. CSV holds
  one table only, so the narrative (the four questions) is left out; the XLSX has it on
  a second sheet: "Measures" (the same grid) and "Narrative" (one row per priority).
- The overview: one row per partnership and priority (priorities only from approved
  returns; other returns have one row with their status).
- Numbers are numbers in XLSX and plain (no thousands separators) in CSV; RAG is
  always in words. Text that starts with = + - @ (or a tab or carriage return) gets a
  leading apostrophe, so no spreadsheet runs it as a formula (CSV injection).

Uploads
- ``parse_upload`` reads an XLSX or CSV file (size, type, headings, empty file are
  file-level errors); ``validate_upload`` checks every row against the return and
  reports each bad row with its row number and reason; ``measure_values_upload``
  applies a valid upload through ``services.return_section_save`` (so the RAG is
  recalculated, history is kept and the section's optimistic lock holds), one call per
  section, all in one transaction: nothing is applied unless everything is.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from csp_portal.lib.downloads import CSV_CONTENT_TYPE as CSV_CONTENT_TYPE
from csp_portal.lib.downloads import DANGEROUS_START, spreadsheet_safe
from csp_portal.lib.forms import GovukFormMixin
from performance.dashboard_selectors import (
    STATUSES,
    Overview,
    format_number,
    rag_words,
)
from performance.models import Direction, MeasureValue, PerformanceReturn, ReturnSection
from performance.services import ConcurrentEditError, return_section_save
from priorities.models import Measure

if TYPE_CHECKING:
    from accounts.models import User

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOAD_MAX_BYTES = 2 * 1024 * 1024
UPLOAD_MAX_ROWS = 2000
_MAX_NUMBER = Decimal("1e12")
_CENT = Decimal("0.01")
_MAX_SCANNED_ROWS = 50_000


# Writing ----------------------------------------------------------------------------


safe_text = spreadsheet_safe


def _unsafe_text(value: str) -> str:
    """Undo safe_text when reading a file back."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(DANGEROUS_START):
        return value[1:]
    return value


def _csv_cell(value: Any) -> str:
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
    return safe_text(str(value))


def to_csv(headings: list[str], rows: list[list[Any]]) -> bytes:
    """UTF-8 with a byte order mark, so Excel opens it with the right characters."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_text(h) for h in headings])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date()
    if isinstance(value, str):
        return safe_text(value)
    return value


def _write_sheet(ws, headings: list[str], rows: list[list[Any]], widths: list[int]) -> None:
    ws.append(headings)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([_xlsx_value(v) for v in row])
    for index, width in enumerate(widths, start=1):
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


def _workbook_bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def return_for_export(ret: PerformanceReturn) -> list[ReturnSection]:
    """The return's sections with their priorities, values and measures (three queries)."""
    return list(
        ret.sections.select_related("priority")
        .prefetch_related(
            Prefetch(
                "values",
                queryset=MeasureValue.objects.select_related("measure").order_by(
                    "measure__order", "measure__code"
                ),
            )
        )
        .order_by("order")
    )


MEASURE_HEADINGS = [
    "Partnership",
    "Quarter",
    "Priority",
    "Priority title",
    "Overall assessment",
    "What the measures suggest",
    "Measure code",
    "Measure",
    "Unit",
    "Polarity",
    "Value for the quarter",
    "Year to date",
    "Target",
    "National comparator",
    "Calculated RAG",
    "Direction of travel",
    "No data available",
    "Why there is no data",
    "Note",
]
NARRATIVE_HEADINGS = [
    "Priority",
    "Priority title",
    "Sponsor agency",
    "Lead officer",
    "Overall assessment",
    "Statement",
    "What the measures suggest",
    "Why the assessment differs from the measures",
    "Summary narrative",
    "Milestones reached",
    "Milestones missed, why, and how they are being addressed",
    "Prospects and risks",
]


def return_measure_rows(ret: PerformanceReturn, sections: list[ReturnSection]) -> list[list[Any]]:
    rows = []
    for section in sections:
        for mv in section.values.all():
            measure = mv.measure
            rows.append(
                [
                    ret.partnership.name,
                    ret.period.label,
                    section.priority.code,
                    section.priority.title,
                    rag_words(section.assessed_rag),
                    rag_words(section.suggested_rag),
                    measure.code,
                    measure.title,
                    measure.get_unit_display(),
                    measure.get_polarity_display(),
                    mv.value,
                    mv.ytd_value,
                    mv.target,
                    mv.national_comparator,
                    rag_words(mv.calculated_rag),
                    str(Direction(mv.direction).label),
                    mv.no_data,
                    mv.no_data_reason,
                    mv.note,
                ]
            )
    return rows


def return_narrative_rows(sections: list[ReturnSection]) -> list[list[Any]]:
    return [
        [
            s.priority.code,
            s.priority.title,
            s.sponsor,
            s.lead_officer,
            rag_words(s.assessed_rag),
            s.rag_statement,
            rag_words(s.suggested_rag),
            s.rag_justification,
            s.summary,
            s.milestones_reached,
            s.milestones_missed,
            s.prospects,
        ]
        for s in sections
    ]


def return_csv(ret: PerformanceReturn) -> bytes:
    return to_csv(MEASURE_HEADINGS, return_measure_rows(ret, return_for_export(ret)))


def return_xlsx(ret: PerformanceReturn) -> bytes:
    sections = return_for_export(ret)
    wb = Workbook()
    measures = wb.active
    measures.title = "Measures"
    _write_sheet(
        measures,
        MEASURE_HEADINGS,
        return_measure_rows(ret, sections),
        [30, 12, 9, 40, 14, 14, 9, 45, 14, 16, 12, 12, 12, 12, 12, 14, 10, 30, 40],
    )
    narrative = wb.create_sheet("Narrative")
    _write_sheet(
        narrative,
        NARRATIVE_HEADINGS,
        return_narrative_rows(sections),
        [9, 40, 25, 25, 14, 45, 14, 45, 60, 60, 60, 60],
    )
    return _workbook_bytes(wb)


def return_filename(ret: PerformanceReturn, extension: str) -> str:
    return f"{ret.partnership.slug}-{ret.period.slug}-return.{extension}"


# The overview -------------------------------------------------------------------------

OVERVIEW_HEADINGS = [
    "Police force area",
    "Quarter",
    "Partnership",
    "Status",
    "Submitted",
    "Returns due by",
    "Overdue",
    "Priority",
    "Priority title",
    "Overall assessment",
    "What the measures suggest",
]


def overview_rows(overview: Overview) -> list[list[Any]]:
    rows = []
    for row in overview.rows:
        lead = [
            overview.force_area.name,
            overview.period.label,
            row.partnership.name,
            STATUSES[row.status][0],
            row.submitted_at,
            overview.period.submission_deadline,
            row.overdue,
        ]
        if not row.priorities:
            rows.append([*lead, "", "", "", ""])
        for p in row.priorities:
            rows.append([*lead, p.code, p.title, rag_words(p.assessed), rag_words(p.suggested)])
    return rows


def overview_csv(overview: Overview) -> bytes:
    return to_csv(OVERVIEW_HEADINGS, overview_rows(overview))


def overview_xlsx(overview: Overview) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Returns"
    _write_sheet(
        ws,
        OVERVIEW_HEADINGS,
        overview_rows(overview),
        [20, 12, 40, 18, 14, 14, 9, 9, 40, 14, 14],
    )
    return _workbook_bytes(wb)


def overview_filename(overview: Overview, extension: str) -> str:
    return f"{overview.force_area.slug}-{overview.period.slug}-returns.{extension}"


# The upload template ------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    editable: bool
    width: int
    required: bool = True


COLUMNS = [
    Column("quarter", "Quarter", False, 12, required=False),
    Column("priority", "Priority", False, 9),
    Column("measure_code", "Measure code", False, 9),
    Column("measure", "Measure", False, 45, required=False),
    Column("unit", "Unit", False, 14, required=False),
    Column("target", "Target", False, 12, required=False),
    Column("value", "Value for the quarter", True, 14),
    Column("ytd_value", "Year to date", True, 14),
    Column("national_comparator", "National comparator", True, 14),
    Column("note", "Note", True, 40),
    Column("no_data", "No data available (yes or no)", True, 14),
    Column("no_data_reason", "Why there is no data", True, 40),
    Column("revision", "Section version (do not change)", False, 12, required=False),
]
EDITABLE = [c.key for c in COLUMNS if c.editable]
NUMBER_FIELDS = ("value", "ytd_value", "national_comparator")
FIELD_LABELS = {c.key: c.heading for c in COLUMNS} | {"no_data": "No data available"}


def _heading_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


_HEADING_KEYS = {_heading_key(c.heading): c.key for c in COLUMNS} | {
    "no data available": "no_data",
    "no data available yes no": "no_data",
    "section version": "revision",
    "value": "value",
}


def template_rows(ret: PerformanceReturn, sections: list[ReturnSection]) -> list[list[Any]]:
    rows = []
    for section in sections:
        for mv in section.values.all():
            rows.append(
                [
                    ret.period.label,
                    section.priority.code,
                    mv.measure.code,
                    mv.measure.title,
                    mv.measure.get_unit_display(),
                    mv.target,
                    mv.value,
                    mv.ytd_value,
                    mv.national_comparator,
                    mv.note,
                    "yes" if mv.no_data else "no",
                    mv.no_data_reason,
                    section.revision,
                ]
            )
    return rows


def template_csv(ret: PerformanceReturn) -> bytes:
    return to_csv([c.heading for c in COLUMNS], template_rows(ret, return_for_export(ret)))


def template_xlsx(ret: PerformanceReturn) -> bytes:
    sections = return_for_export(ret)
    rows = template_rows(ret, sections)
    wb = Workbook()
    ws = wb.active
    ws.title = "Measure values"
    _write_sheet(ws, [c.heading for c in COLUMNS], rows, [c.width for c in COLUMNS])
    # The read-only columns are locked; the sheet is protected without a password, so
    # it is a guard against slips, not a security measure (the upload checks anyway).
    for row in ws.iter_rows(min_row=2, max_row=len(rows) + 1):
        for column, cell in zip(COLUMNS, row, strict=True):
            if column.editable:
                cell.protection = Protection(locked=False)
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    if rows:
        yes_no = DataValidation(
            type="list",
            formula1='"yes,no"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Yes or no",
            error="Enter yes or no",
        )
        no_data_column = get_column_letter([c.key for c in COLUMNS].index("no_data") + 1)
        yes_no.add(f"{no_data_column}2:{no_data_column}{len(rows) + 1}")
        ws.add_data_validation(yes_no)
    guide = wb.create_sheet("How to fill it in")
    for line in TEMPLATE_GUIDE:
        guide.append([line])
    guide.column_dimensions["A"].width = 110
    return _workbook_bytes(wb)


def template_filename(ret: PerformanceReturn, extension: str) -> str:
    return f"{ret.partnership.slug}-{ret.period.slug}-measure-values.{extension}"


TEMPLATE_GUIDE = [
    "How to fill in this template",
    "",
    "Fill in the columns from 'Value for the quarter' to 'Why there is no data'. "
    "Leave the other columns as they are: they tell the portal which measure each row is for.",
    "Enter numbers without units: 2274, not 2,274 crimes; 88 for 88%. "
    "Numbers are rounded to 2 decimal places. Percentages must be between 0 and 100.",
    "If there is no data for a measure, enter 'yes' under 'No data available', leave the "
    "value empty and say why.",
    "A row whose value, year to date, comparator, note, no data and reason are all empty "
    "is left as it is in the portal. Any other row replaces what is in the portal.",
    "Keep the first sheet and its headings. Save as XLSX or CSV and upload it on the "
    "return's upload page. If any row has a problem, nothing is uploaded.",
]


# Reading an upload ----------------------------------------------------------------------


class UploadError(Exception):
    """The file as a whole cannot be used (type, size, headings, no rows)."""


@dataclass
class RawRow:
    number: int
    cells: dict[str, Any]


@dataclass
class RowError:
    row: int
    message: str


@dataclass
class Change:
    priority: str
    measure_code: str
    measure_title: str
    field: str
    old: str
    new: str


@dataclass
class ValidatedUpload:
    """The rows as the service will receive them, or the problems found."""

    errors: list[RowError] = field(default_factory=list)
    # section id -> (revision, {measure value id: {field: new value}})
    updates: dict[int, tuple[int, dict[int, dict[str, Any]]]] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    rows_read: int = 0
    rows_skipped: int = 0


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_csv(content: bytes) -> list[list[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the Windows-1252 code page.
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise UploadError(
                "The file could not be read as CSV. Save it from your spreadsheet as "
                "“CSV UTF-8” or as XLSX and try again"
            ) from exc
    if "\x00" in text:
        raise UploadError("The file is not a CSV file. Upload the template as XLSX or CSV")
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise UploadError(f"The CSV file could not be read: {exc}") from exc


def _is_percent_format(number_format: str) -> bool:
    return "%" in re.sub(r'"[^"]*"', "", number_format or "")


def _read_xlsx(content: bytes) -> list[list[Any]]:
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise UploadError(
            "The file could not be opened as an XLSX spreadsheet. Save it as XLSX "
            "(Excel Workbook) or CSV and try again"
        ) from exc
    try:
        ws = wb.worksheets[0]
        rows: list[list[Any]] = []
        filled = 0
        for row in ws.iter_rows():
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
            if any(v is not None and v != "" for v in values):
                filled += 1
            # Stop early on files far beyond the limit (or formatted to the last row).
            if filled > UPLOAD_MAX_ROWS + 1 or len(rows) > _MAX_SCANNED_ROWS:
                break
        return rows
    except Exception as exc:  # noqa: BLE001 (a damaged workbook can fail in many ways)
        raise UploadError(
            "The spreadsheet could not be read. Save it again as XLSX or CSV and try again"
        ) from exc
    finally:
        wb.close()


def parse_upload(*, name: str, content: bytes) -> list[RawRow]:
    """The file's rows as {column key: cell}, numbered as the spreadsheet numbers them."""
    if not content:
        raise UploadError("The selected file is empty")
    if len(content) > UPLOAD_MAX_BYTES:
        raise UploadError(
            f"The selected file must be smaller than {UPLOAD_MAX_BYTES // (1024 * 1024)} MB"
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension == "xlsx":
        if not content.startswith(b"PK"):
            raise UploadError("The file is not a real XLSX spreadsheet. Upload an XLSX or CSV")
        table = _read_xlsx(content)
    elif extension == "csv":
        if content.startswith(b"PK"):
            raise UploadError(
                "The file is named .csv but is a spreadsheet. Save it as CSV, or upload it as .xlsx"
            )
        table = _read_csv(content)
    elif extension in ("xls", "ods", "numbers"):
        raise UploadError(
            f"The selected file must be an XLSX or CSV: save your .{extension} file as XLSX or CSV"
        )
    else:
        raise UploadError("The selected file must be an XLSX or CSV")

    # The heading row is the first row with anything in it.
    heading_index = next(
        (i for i, row in enumerate(table) if any(_cell_text(c) for c in row)), None
    )
    if heading_index is None:
        raise UploadError("The selected file is empty")
    headings = [_cell_text(c) for c in table[heading_index]]
    columns: dict[int, str] = {}
    for index, heading in enumerate(headings):
        key = _HEADING_KEYS.get(_heading_key(_unsafe_text(heading)))
        if key and key not in columns.values():
            columns[index] = key
    missing = [c.heading for c in COLUMNS if c.required and c.key not in columns.values()]
    if missing:
        raise UploadError(
            "The file does not have the template’s headings in its first row (missing: "
            + ", ".join(f"“{m}”" for m in missing)
            + "). Download the template and keep its headings"
        )
    body = table[heading_index + 1 :]
    if sum(1 for raw in body if any(_cell_text(c) for c in raw)) > UPLOAD_MAX_ROWS:
        raise UploadError(f"The file has more than {UPLOAD_MAX_ROWS:,} rows")
    rows = []
    for offset, raw in enumerate(body):
        if not any(_cell_text(c) for c in raw):
            continue
        cells = {key: (raw[i] if i < len(raw) else None) for i, key in columns.items()}
        # Spreadsheet row numbers start at 1, and the heading row is above the first row.
        rows.append(RawRow(number=heading_index + 2 + offset, cells=cells))
    if not rows:
        raise UploadError("The file has headings but no rows of measure values")
    return rows


def _parse_number(value: Any) -> Decimal | None:
    """A cell as a number: 2274, "2,274", "88%", "£65,000"; None if empty.
    Raises ValueError if it is not a number."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | float):
        number = Decimal(str(value))
    else:
        text = _unsafe_text(str(value).strip())
        if not text:
            return None
        cleaned = re.sub(r"[,\s£%]", "", text)
        try:
            number = Decimal(cleaned)
        except InvalidOperation as exc:
            raise ValueError from exc
    if not number.is_finite():
        raise ValueError
    return number.quantize(_CENT, rounding=ROUND_HALF_UP)


_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", ""}


def _display(value: Any, unit: str) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Decimal):
        return format_number(value, unit)
    if value is None or value == "":
        return "(empty)"
    return str(value)


def validate_upload(
    *, performance_return: PerformanceReturn, rows: list[RawRow]
) -> ValidatedUpload:
    """Check every row; work out what would change. Writes nothing."""
    result = ValidatedUpload(rows_read=len(rows))
    sections = return_for_export(performance_return)
    by_key: dict[tuple[str, str], tuple[ReturnSection, MeasureValue]] = {}
    for section in sections:
        for mv in section.values.all():
            by_key[(section.priority.code.strip().lower(), mv.measure.code.strip().lower())] = (
                section,
                mv,
            )
    seen: dict[tuple[str, str], int] = {}
    label = performance_return.period.label
    for row in rows:
        cells = row.cells
        problems: list[str] = []
        priority = _unsafe_text(_cell_text(cells.get("priority")))
        code = _unsafe_text(_cell_text(cells.get("measure_code")))
        if not priority or not code:
            result.errors.append(
                RowError(row.number, "Enter the priority and the measure code, as in the template")
            )
            continue
        key = (priority.lower(), code.lower())
        if key not in by_key:
            result.errors.append(
                RowError(
                    row.number,
                    f"There is no measure {priority} {code} in the {label} return",
                )
            )
            continue
        if key in seen:
            result.errors.append(
                RowError(
                    row.number,
                    f"Measure {priority} {code} is also in row {seen[key]}: each measure may appear only once",
                )
            )
            continue
        seen[key] = row.number
        section, mv = by_key[key]
        unit = mv.measure.unit

        quarter = _cell_text(cells.get("quarter"))
        if quarter and quarter.lower() != label.lower():
            problems.append(
                f"This row is for {quarter}, but you are uploading to the {label} return"
            )

        entered: dict[str, Any] = {}
        for name in NUMBER_FIELDS:
            try:
                number = _parse_number(cells.get(name))
            except ValueError:
                problems.append(
                    f"{FIELD_LABELS[name]} must be a number, like 2274 or 88.5 (it is “{_cell_text(cells.get(name))}”)"
                )
                continue
            if number is not None and abs(number) >= _MAX_NUMBER:
                problems.append(f"{FIELD_LABELS[name]} is too large")
                continue
            if (
                number is not None
                and unit == Measure.Unit.PERCENTAGE
                and not Decimal(0) <= number <= Decimal(100)
            ):
                problems.append(
                    f"{FIELD_LABELS[name]} must be between 0 and 100, as {mv.measure.code} is a percentage"
                )
                continue
            entered[name] = number
        for name in ("note", "no_data_reason"):
            text = _unsafe_text(_cell_text(cells.get(name)))
            if len(text) > 500:
                problems.append(f"{FIELD_LABELS[name]} must be 500 characters or fewer")
            entered[name] = text
        no_data_text = _cell_text(cells.get("no_data")).lower()
        if no_data_text in _YES:
            entered["no_data"] = True
        elif no_data_text in _NO:
            entered["no_data"] = False
        else:
            problems.append(f"No data available must be yes or no (it is “{no_data_text}”)")

        revision = None
        revision_text = _cell_text(cells.get("revision"))
        if revision_text:
            try:
                revision = int(revision_text)
            except ValueError:
                problems.append(
                    "Section version must be the whole number the template gave: leave it as it was"
                )

        if not problems and entered.get("no_data"):
            if entered.get("value") is not None:
                problems.append(
                    "No data available is yes, but there is also a value for the quarter: remove one of them"
                )
            if not entered.get("no_data_reason"):
                problems.append("No data available is yes: say why in “Why there is no data”")

        if problems:
            result.errors.extend(RowError(row.number, p) for p in problems)
            continue

        blank = (
            all(entered.get(n) is None for n in NUMBER_FIELDS)
            and not entered["note"]
            and not entered["no_data_reason"]
            and not entered["no_data"]
        )
        if blank:
            result.rows_skipped += 1
            continue

        current_revision, section_updates = result.updates.get(
            section.pk, (revision if revision is not None else section.revision, {})
        )
        changed = {}
        for name in EDITABLE:
            old = getattr(mv, name)
            new = entered[name]
            if old != new:
                changed[name] = new
                result.changes.append(
                    Change(
                        priority=section.priority.code,
                        measure_code=mv.measure.code,
                        measure_title=mv.measure.title,
                        field=FIELD_LABELS[name],
                        old=_display(old, unit),
                        new=_display(new, unit),
                    )
                )
        if changed:
            section_updates[mv.pk] = changed
        result.updates[section.pk] = (current_revision, section_updates)
    # Sections with nothing to change are not saved (their revision stays as it is).
    result.updates = {k: v for k, v in result.updates.items() if v[1]}
    return result


@transaction.atomic
def measure_values_upload(
    *, performance_return: PerformanceReturn, upload: ValidatedUpload, by: User
) -> list[ReturnSection]:
    """Apply a valid upload: one return_section_save per section, in one transaction.

    Raises PermissionDenied (the return is no longer a draft, or the person cannot edit
    it), ConcurrentEditError (a section was saved after the template was made) or
    ValidationError (the service refused the values). Nothing is applied then."""
    if upload.errors:
        raise ValidationError("The upload has problems, so nothing was applied")
    saved = []
    sections = {
        s.pk: s
        for s in ReturnSection.objects.select_related("priority").filter(
            performance_return=performance_return, pk__in=list(upload.updates)
        )
    }
    for section_id, (revision, values) in sorted(
        upload.updates.items(), key=lambda item: sections[item[0]].order
    ):
        section = sections[section_id]
        try:
            saved.append(
                return_section_save(
                    section=section, revision=revision, fields={}, values=values, by=by
                )
            )
        except ConcurrentEditError as exc:
            latest = ReturnSection.objects.select_related("updated_by").get(pk=section.pk)
            who = latest.updated_by.name if latest.updated_by else "Someone else"
            raise ConcurrentEditError(
                f"{who} saved priority {section.priority.code} at "
                f"{timezone.localtime(latest.updated_at):%H:%M on %-d %B %Y}, after the template "
                "in this file was downloaded. Nothing has been uploaded, so their changes are "
                "safe. Download the template again, copy your values into it and upload that.",
                code="stale",
            ) from exc
        except ValidationError as exc:
            messages = (
                exc.messages
                if not hasattr(exc, "error_dict")
                else [m for ms in exc.message_dict.values() for m in ms]
            )
            raise ValidationError(
                [f"Priority {section.priority.code}: {m}" for m in messages]
            ) from exc
    return saved


class MeasureValuesUploadForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="An XLSX or CSV file made from the template, smaller than 2 MB.",
        error_messages={
            "required": "Select an XLSX or CSV file to upload",
            "empty": "The selected file is empty",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > UPLOAD_MAX_BYTES:
            raise ValidationError(
                f"The selected file must be smaller than {UPLOAD_MAX_BYTES // (1024 * 1024)} MB"
            )
        try:
            self.rows = parse_upload(name=upload.name, content=upload.read())
        except UploadError as exc:
            raise ValidationError(str(exc)) from exc
        return upload
