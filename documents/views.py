"""The one way a generated file leaves the portal: a permission-checked download."""

from __future__ import annotations

from uuid import UUID

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from accounts.roles import Capability
from csp_portal.lib.access import get_partnership_for_user
from documents.models import GeneratedDocument
from documents.permissions import can_download_document


@require_GET
def download(request: HttpRequest, partnership: str, code: UUID) -> FileResponse:
    """404 for people with no standing in the partnership (or no such document), 403 with
    the reason for members the document's kind does not allow, else the file."""
    owner = get_partnership_for_user(request, partnership, Capability.VIEW_PARTNERSHIP)
    try:
        document = GeneratedDocument.objects.select_related("partnership").get(
            partnership=owner, code=code
        )
    except GeneratedDocument.DoesNotExist as exc:
        raise Http404("No such document") from exc
    can_download_document(request.user, document).raise_if_denied()
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.filename,
        content_type=document.media_type or "application/octet-stream",
    )
    # A private file: never kept by a shared cache or the browser, never sniffed.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
