"""Downloading a return, and uploading measure values from the portal's template."""

from __future__ import annotations

from dataclasses import asdict
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from accounts.roles import Capability
from csp_portal.lib.access import access_for, require
from csp_portal.lib.spreadsheets import spreadsheet_response
from performance import exports
from performance.forms import MeasureValuesUploadForm
from performance.models import PerformanceReturn
from performance.permissions import can_edit_return, can_view_return
from performance.presentation import rag_tag
from performance.services import ConcurrentEditError, measure_values_upload
from performance.uploads import UPLOAD_MAX_BYTES, RowError, validate_upload

UPLOAD_RESULT_KEY = "performance_upload_result"
ERROR_SUMMARY_LIMIT = 10


def _return_in(request: HttpRequest, partnership: str, code: UUID) -> PerformanceReturn:
    """The return, 404 if it is not this partnership's or the person has no standing there."""
    ret = get_object_or_404(
        PerformanceReturn.objects.select_related("partnership__force_area", "period"),
        code=code,
        partnership__slug=partnership,
    )
    require(request.user, Capability.VIEW_PARTNERSHIP, ret.partnership)
    return ret


def return_download(request: HttpRequest, partnership: str, code: UUID, fmt: str) -> HttpResponse:
    ret = _return_in(request, partnership, code)
    can_view_return(request.user, ret).raise_if_denied()
    body = exports.return_csv(ret) if fmt == "csv" else exports.return_xlsx(ret)
    return spreadsheet_response(body, fmt, exports.return_filename(ret, fmt))


def _editable(request: HttpRequest, partnership: str, code: UUID) -> PerformanceReturn:
    ret = _return_in(request, partnership, code)
    can_edit_return(request.user, ret).raise_if_denied()
    return ret


def upload_template(request: HttpRequest, partnership: str, code: UUID, fmt: str) -> HttpResponse:
    ret = _editable(request, partnership, code)
    body = exports.template_csv(ret) if fmt == "csv" else exports.template_xlsx(ret)
    return spreadsheet_response(body, fmt, exports.template_filename(ret, fmt))


def upload(request: HttpRequest, partnership: str, code: UUID) -> HttpResponse:
    ret = _editable(request, partnership, code)
    if request.method == "POST":
        form = MeasureValuesUploadForm(request.POST, request.FILES)
    else:
        form = MeasureValuesUploadForm()
    row_errors: list[RowError] = []
    if request.method == "POST":
        if form.is_valid():
            checked = validate_upload(performance_return=ret, rows=form.rows)
            row_errors = checked.errors
            if row_errors:
                count = len(row_errors)
                form.add_error(
                    "file",
                    f"The file has {count} problem{'s' if count != 1 else ''}. Nothing has "
                    "been uploaded: correct the rows listed below and upload the file again",
                )
            else:
                try:
                    saved = measure_values_upload(
                        performance_return=ret, upload=checked, by=request.user
                    )
                except ConcurrentEditError as exc:
                    form.add_error("file", " ".join(exc.messages))
                except PermissionDenied:
                    raise
                except ValidationError as exc:
                    form.add_error("file", "Nothing has been uploaded. " + " ".join(exc.messages))
                else:
                    request.session[UPLOAD_RESULT_KEY] = {
                        "code": str(ret.code),
                        "changes": [asdict(c) for c in checked.changes],
                        "rows": checked.rows_read,
                        "skipped": checked.rows_skipped,
                        "sections": [
                            [s.priority.code, s.priority.title, s.suggested_rag] for s in saved
                        ],
                    }
                    return redirect(
                        "performance:return_upload", partnership=ret.partnership.slug, code=ret.code
                    )
    done = None
    if request.method == "GET":
        done = request.session.pop(UPLOAD_RESULT_KEY, None)
        if done and done.get("code") != str(ret.code):
            done = None
        if done:
            done["sections"] = [
                {"code": c, "title": t, "suggested": rag_tag(r)} for c, t, r in done["sections"]
            ]
    summary = [("id_file", e) for e in form.errors.get("file", [])]
    summary += [(f"row-{e.row}", f"Row {e.row}: {e.message}") for e in row_errors]
    # One anchor per row, on its first problem.
    anchored: set[int] = set()
    problems = []
    for e in row_errors:
        problems.append({"row": e.row, "message": e.message, "anchor": e.row not in anchored})
        anchored.add(e.row)
    return render(
        request,
        "performance/upload.html",
        {
            "partnership": ret.partnership,
            "capabilities": access_for(request.user).capabilities(ret.partnership),
            "ret": ret,
            "form": form,
            "row_errors": problems,
            "error_summary": summary[: ERROR_SUMMARY_LIMIT + 1],
            "more_errors": max(0, len(summary) - ERROR_SUMMARY_LIMIT - 1),
            "done": done,
            "max_mb": UPLOAD_MAX_BYTES // (1024 * 1024),
        },
    )
