"""Downloads: a file sent as an attachment that no shared cache keeps.

Every download goes through ``file_response`` (spreadsheets through
``csp_portal.lib.spreadsheets.csv_response`` / ``xlsx_response``, which call it).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse


def file_response(body: bytes | str, content_type: str, filename: str) -> HttpResponse:
    """An attachment download, never kept by shared caches (these are working papers)."""
    if "/" in filename or '"' in filename:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# CSV writing and formula neutralising moved to csp_portal.lib.spreadsheets. These names
# answer from there until the last caller (priorities/views.py) imports them from it;
# then this function goes.
_MOVED = {"spreadsheet_safe", "csv_response", "CSV_CONTENT_TYPE", "DANGEROUS_START"}


def __getattr__(name: str) -> Any:
    if name in _MOVED:
        from csp_portal.lib import spreadsheets

        return getattr(spreadsheets, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
