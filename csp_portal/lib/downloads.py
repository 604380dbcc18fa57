"""Downloads: CSV files any list can offer, and text that spreadsheets will not run.

Spreadsheets run a cell that starts like a formula (=, +, -, @, tab, carriage return);
every text cell written to a CSV or XLSX file goes through ``spreadsheet_safe`` first,
which puts an apostrophe in front (CSV injection).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import Http404, HttpResponse

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def spreadsheet_safe(value: str) -> str:
    """Text that no spreadsheet will run as a formula."""
    if value and value.startswith(DANGEROUS_START):
        return "'" + value
    return value


def file_response(body: bytes | str, content_type: str, filename: str) -> HttpResponse:
    """An attachment download, never kept by shared caches (these are working papers)."""
    if "/" in filename or '"' in filename:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """A CSV download (UTF-8 with a byte-order mark, so Excel reads it as UTF-8)."""
    response = file_response("\ufeff", CSV_CONTENT_TYPE, filename)
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else spreadsheet_safe(str(v)) for v in row])
    return response
