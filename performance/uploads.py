"""Data in: reading an upload of measure values made from the template
(``performance.exports``), and checking it against the return.

- ``check_measure_values_file`` is the file-level check every upload gets
  (``csp_portal.lib.uploads.check_upload``: size, XLSX or CSV by content, zip-bomb limits).
- ``parse_upload`` reads only the template's columns and rows
  (``csp_portal.lib.spreadsheets``), finds the heading row and numbers the rows as the
  spreadsheet does; problems with the file as a whole (headings, no rows, too many rows)
  are a ``ValidationError`` for the file field.
- ``validate_upload`` checks each row against the return and reports each bad row with
  its number and reason; it writes nothing. ``performance.services.measure_values_upload``
  applies a valid upload.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from csp_portal.lib.numbers import format_number
from csp_portal.lib.spreadsheets import read_csv_rows, read_xlsx_rows, spreadsheet_unsafe
from csp_portal.lib.uploads import MB, CheckedUpload, Kind, ZipLimits, check_upload
from performance.exports import COLUMNS, return_for_export
from performance.models import MeasureValue, PerformanceReturn, ReturnSection
from priorities.models import Measure

UPLOAD_MAX_BYTES = 2 * MB
UPLOAD_MAX_ROWS = 2000
# An honest 2,000-row template unpacks to about 1.2 MB (ratio about 11): ten times that
# and a hundredfold compression is far beyond any real file, and still cheap to read.
UPLOAD_ZIP_LIMITS = ZipLimits(max_members=100, max_uncompressed_bytes=10 * MB, max_ratio=100)
# The template's size: its columns, and its headings above at most UPLOAD_MAX_ROWS rows.
TEMPLATE_MAX_COLUMNS = len(COLUMNS)
TEMPLATE_MAX_ROWS = UPLOAD_MAX_ROWS + 1

EDITABLE = [c.key for c in COLUMNS if c.editable]
NUMBER_FIELDS = ("value", "ytd_value", "national_comparator")
TEXT_FIELDS = ("note", "no_data_reason")
FIELD_LABELS = {c.key: c.heading for c in COLUMNS} | {"no_data": "No data available"}
_MAX_NUMBER = Decimal("1e12")
_MAX_TEXT = 500
_CENT = Decimal("0.01")
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", ""}


def _heading_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


_HEADING_KEYS = {_heading_key(c.heading): c.key for c in COLUMNS} | {
    "no data available": "no_data",
    "no data available yes no": "no_data",
    "section version": "revision",
    "value": "value",
}


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


# Reading the file -----------------------------------------------------------------------


def check_measure_values_file(file: Any) -> CheckedUpload:
    """The file-level check: an XLSX or CSV, smaller than 2 MB, within the archive limits."""
    return check_upload(
        file,
        allowed={Kind.XLSX, Kind.CSV},
        max_bytes=UPLOAD_MAX_BYTES,
        zip_limits=UPLOAD_ZIP_LIMITS,
    )


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_table(upload: CheckedUpload) -> list[list[Any]]:
    limits = {"max_rows": TEMPLATE_MAX_ROWS, "max_columns": TEMPLATE_MAX_COLUMNS}
    if upload.kind is Kind.XLSX:
        return read_xlsx_rows(upload.content, **limits)
    return read_csv_rows(upload.content, encoding=upload.encoding, **limits)


def _columns(headings: list[str]) -> dict[int, str]:
    """Which column holds which template field, from the heading row."""
    columns: dict[int, str] = {}
    for index, heading in enumerate(headings):
        key = _HEADING_KEYS.get(_heading_key(spreadsheet_unsafe(heading)))
        if key and key not in columns.values():
            columns[index] = key
    missing = [c.heading for c in COLUMNS if c.required and c.key not in columns.values()]
    if missing:
        raise ValidationError(
            "The file does not have the template’s headings in its first row (missing: "
            + ", ".join(f"“{m}”" for m in missing)
            + "). Download the template and keep its headings",
            code="headings",
        )
    return columns


def parse_upload(upload: CheckedUpload) -> list[RawRow]:
    """The file's rows as {column key: cell}, numbered as the spreadsheet numbers them."""
    table = _read_table(upload)
    # The heading row is the first row with anything in it.
    heading_index = next(
        (i for i, row in enumerate(table) if any(_cell_text(c) for c in row)), None
    )
    if heading_index is None:
        raise ValidationError("The selected file is empty", code="empty")
    columns = _columns([_cell_text(c) for c in table[heading_index]])
    body = table[heading_index + 1 :]
    if sum(1 for raw in body if any(_cell_text(c) for c in raw)) > UPLOAD_MAX_ROWS:
        raise ValidationError(f"The file has more than {UPLOAD_MAX_ROWS:,} rows", code="rows")
    rows = []
    for offset, raw in enumerate(body):
        if not any(_cell_text(c) for c in raw):
            continue
        cells = {key: (raw[i] if i < len(raw) else None) for i, key in columns.items()}
        # Spreadsheet row numbers start at 1, and the heading row is above the first row.
        rows.append(RawRow(number=heading_index + 2 + offset, cells=cells))
    if not rows:
        raise ValidationError("The file has headings but no rows of measure values", code="no_rows")
    return rows


# Checking each row ----------------------------------------------------------------------


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
        text = spreadsheet_unsafe(str(value).strip())
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


def _display(value: Any, unit: str) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Decimal):
        return format_number(value, unit)
    if value is None or value == "":
        return "(empty)"
    return str(value)


_Index = dict[tuple[str, str], tuple[ReturnSection, MeasureValue]]


def _measure_index(sections: list[ReturnSection]) -> _Index:
    """(priority code, measure code), lower-cased -> the section and the measure value."""
    return {
        (section.priority.code.strip().lower(), mv.measure.code.strip().lower()): (section, mv)
        for section in sections
        for mv in section.values.all()
    }


def _locate(
    cells: dict[str, Any], index: _Index, seen: dict[tuple[str, str], int], number: int, label: str
) -> tuple[ReturnSection, MeasureValue] | str:
    """The measure a row is for, or why it cannot be used at all."""
    priority = spreadsheet_unsafe(_cell_text(cells.get("priority")))
    code = spreadsheet_unsafe(_cell_text(cells.get("measure_code")))
    if not priority or not code:
        return "Enter the priority and the measure code, as in the template"
    key = (priority.lower(), code.lower())
    if key not in index:
        return f"There is no measure {priority} {code} in the {label} return"
    if key in seen:
        return f"Measure {priority} {code} is also in row {seen[key]}: each measure may appear only once"
    seen[key] = number
    return index[key]


def _quarter_problems(cells: dict[str, Any], label: str) -> list[str]:
    quarter = _cell_text(cells.get("quarter"))
    if quarter and quarter.lower() != label.lower():
        return [f"This row is for {quarter}, but you are uploading to the {label} return"]
    return []


def _read_numbers(cells: dict[str, Any], measure: Measure, entered: dict[str, Any]) -> list[str]:
    problems = []
    for name in NUMBER_FIELDS:
        label = FIELD_LABELS[name]
        try:
            number = _parse_number(cells.get(name))
        except ValueError:
            problems.append(
                f"{label} must be a number, like 2274 or 88.5 (it is “{_cell_text(cells.get(name))}”)"
            )
            continue
        if number is not None and abs(number) >= _MAX_NUMBER:
            problems.append(f"{label} is too large")
        elif (
            number is not None
            and measure.unit == Measure.Unit.PERCENTAGE
            and not Decimal(0) <= number <= Decimal(100)
        ):
            problems.append(f"{label} must be between 0 and 100, as {measure.code} is a percentage")
        else:
            entered[name] = number
    return problems


def _read_texts(cells: dict[str, Any], entered: dict[str, Any]) -> list[str]:
    problems = []
    for name in TEXT_FIELDS:
        text = spreadsheet_unsafe(_cell_text(cells.get(name)))
        if len(text) > _MAX_TEXT:
            problems.append(f"{FIELD_LABELS[name]} must be {_MAX_TEXT} characters or fewer")
        entered[name] = text
    return problems


def _read_no_data(cells: dict[str, Any], entered: dict[str, Any]) -> list[str]:
    text = _cell_text(cells.get("no_data")).lower()
    if text in _YES:
        entered["no_data"] = True
    elif text in _NO:
        entered["no_data"] = False
    else:
        return [f"No data available must be yes or no (it is “{text}”)"]
    return []


def _read_revision(cells: dict[str, Any]) -> tuple[int | None, list[str]]:
    text = _cell_text(cells.get("revision"))
    if not text:
        return None, []
    try:
        return int(text), []
    except ValueError:
        return None, [
            "Section version must be the whole number the template gave: leave it as it was"
        ]


def _no_data_problems(entered: dict[str, Any]) -> list[str]:
    if not entered.get("no_data"):
        return []
    problems = []
    if entered.get("value") is not None:
        problems.append(
            "No data available is yes, but there is also a value for the quarter: remove one of them"
        )
    if not entered.get("no_data_reason"):
        problems.append("No data available is yes: say why in “Why there is no data”")
    return problems


def _is_blank(entered: dict[str, Any]) -> bool:
    return (
        all(entered.get(n) is None for n in NUMBER_FIELDS)
        and not entered["note"]
        and not entered["no_data_reason"]
        and not entered["no_data"]
    )


def _record_changes(
    result: ValidatedUpload,
    section: ReturnSection,
    mv: MeasureValue,
    entered: dict[str, Any],
    revision: int | None,
) -> None:
    """Add what this row changes to the section's updates and to the list of changes."""
    current_revision, section_updates = result.updates.get(
        section.pk, (revision if revision is not None else section.revision, {})
    )
    changed = {}
    for name in EDITABLE:
        old, new = getattr(mv, name), entered[name]
        if old == new:
            continue
        changed[name] = new
        result.changes.append(
            Change(
                priority=section.priority.code,
                measure_code=mv.measure.code,
                measure_title=mv.measure.title,
                field=FIELD_LABELS[name],
                old=_display(old, mv.measure.unit),
                new=_display(new, mv.measure.unit),
            )
        )
    if changed:
        section_updates[mv.pk] = changed
    result.updates[section.pk] = (current_revision, section_updates)


def validate_upload(
    *, performance_return: PerformanceReturn, rows: list[RawRow]
) -> ValidatedUpload:
    """Check every row; work out what would change. Writes nothing."""
    result = ValidatedUpload(rows_read=len(rows))
    index = _measure_index(return_for_export(performance_return))
    seen: dict[tuple[str, str], int] = {}
    label = performance_return.period.label
    for row in rows:
        found = _locate(row.cells, index, seen, row.number, label)
        if isinstance(found, str):
            result.errors.append(RowError(row.number, found))
            continue
        section, mv = found
        entered: dict[str, Any] = {}
        problems = _quarter_problems(row.cells, label)
        problems += _read_numbers(row.cells, mv.measure, entered)
        problems += _read_texts(row.cells, entered)
        problems += _read_no_data(row.cells, entered)
        revision, revision_problems = _read_revision(row.cells)
        problems += revision_problems
        if not problems:
            problems = _no_data_problems(entered)
        if problems:
            result.errors.extend(RowError(row.number, p) for p in problems)
        elif _is_blank(entered):
            result.rows_skipped += 1
        else:
            _record_changes(result, section, mv, entered, revision)
    # Sections with nothing to change are not saved (their revision stays as it is).
    result.updates = {k: v for k, v in result.updates.items() if v[1]}
    return result
