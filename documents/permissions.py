"""Who may ask for and download a generated document. State first, then role.

The capability comes from the document's kind (documents.kinds), registered by the app
that defines the kind, and is checked in the document's partnership through the access
helper; a kind may add a rule of its own (``may_download``). Rendering is done by the
portal itself (a worker, with no person): no person may start, finish or fail a render.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from csp_portal.lib.access import access_for
from csp_portal.lib.decisions import Decision
from documents.kinds import get_kind
from documents.models import GeneratedDocument

if TYPE_CHECKING:
    from partnerships.models import Partnership


def can_request_document(user: Any, partnership: Partnership, kind: str) -> Decision:
    document_kind = get_kind(kind)
    if access_for(user).has(document_kind.request_capability, partnership):
        return Decision.allow()
    return Decision.deny(
        _("You cannot ask for a %(kind)s for this partnership.")
        % {"kind": document_kind.title.lower()}
    )


def can_download_document(user: Any, document: GeneratedDocument) -> Decision:
    if document.status != GeneratedDocument.Status.READY:
        return Decision.deny(_("This document is not ready yet."))
    kind = get_kind(document.kind)
    if not access_for(user).has(kind.download_capability, document.partnership):
        return Decision.deny(_("You cannot download this document."))
    if kind.may_download is not None:
        return kind.may_download(user, document)
    return Decision.allow()


def can_render_document(user: Any, document: GeneratedDocument) -> Decision:
    """Start, finish or fail a render: only the portal's own worker (no person)."""
    if user is None:
        return Decision.allow()
    return Decision.deny(_("Documents are made by the portal, not by a person."))
