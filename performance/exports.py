"""Data out: a return and the force-area overview as CSV and XLSX, and the measure
values template (the format ``performance.uploads`` reads back).

- A return as CSV is its measure grid: one row per measure, with the priority's
  overall (assessed) RAG and what the measures suggest repeated on each row. CSV holds
  one table only, so the narrative (the four questions) is left out; the XLSX has it on
  a second sheet: "Measures" (the same grid) and "Narrative" (one row per priority).
- The overview: one row per partnership and priority (priorities only from approved
  returns; other returns have one row with their status).
- Writing, formula neutralising and the download response are
  ``csp_portal.lib.spreadsheets``'; RAG is always in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openpyxl.styles import Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from csp_portal.lib.spreadsheets import Sheet, csv_bytes, new_workbook, workbook_bytes, xlsx_bytes
from performance.models import Direction, PerformanceReturn, ReturnSection
from performance.overview_selectors import Overview
from performance.presentation import STATUSES, rag_words
from performance.selectors import sections_with_values


def return_for_export(ret: PerformanceReturn) -> list[ReturnSection]:
    """The return's sections with their priorities, values and measures (three queries)."""
    return list(sections_with_values().filter(performance_return=ret))


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
    return csv_bytes(MEASURE_HEADINGS, return_measure_rows(ret, return_for_export(ret)))


def return_xlsx(ret: PerformanceReturn) -> bytes:
    sections = return_for_export(ret)
    return xlsx_bytes(
        Sheet(
            "Measures",
            MEASURE_HEADINGS,
            return_measure_rows(ret, sections),
            [30, 12, 9, 40, 14, 14, 9, 45, 14, 16, 12, 12, 12, 12, 12, 14, 10, 30, 40],
        ),
        Sheet(
            "Narrative",
            NARRATIVE_HEADINGS,
            return_narrative_rows(sections),
            [9, 40, 25, 25, 14, 45, 14, 45, 60, 60, 60, 60],
        ),
    )


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
    return csv_bytes(OVERVIEW_HEADINGS, overview_rows(overview))


def overview_xlsx(overview: Overview) -> bytes:
    return xlsx_bytes(
        Sheet(
            "Returns",
            OVERVIEW_HEADINGS,
            overview_rows(overview),
            [20, 12, 40, 18, 14, 14, 9, 9, 40, 14, 14],
        )
    )


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
    return csv_bytes([c.heading for c in COLUMNS], template_rows(ret, return_for_export(ret)))


def template_xlsx(ret: PerformanceReturn) -> bytes:
    sections = return_for_export(ret)
    rows = template_rows(ret, sections)
    wb = new_workbook(
        Sheet("Measure values", [c.heading for c in COLUMNS], rows, [c.width for c in COLUMNS])
    )
    ws = wb.active
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
    return workbook_bytes(wb)


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
