"""Downloads: a file sent as an attachment that no shared cache keeps.

Every download goes through ``file_response`` (spreadsheets through
``csp_portal.lib.spreadsheets.csv_response`` / ``xlsx_response``, which call it).
"""

from __future__ import annotations

from django.http import Http404, HttpResponse


def file_response(body: bytes | str, content_type: str, filename: str) -> HttpResponse:
    """An attachment download, never kept by shared caches (these are working papers)."""
    if "/" in filename or '"' in filename:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
