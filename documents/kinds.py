"""The kinds of document the portal can make, registered by the apps that define them.

The documents app knows no other app: an app that makes a document (the reports app's
"annual_report", the funding app's "award_letter") registers a ``DocumentKind`` in its
``AppConfig.ready()``. The kind says which capability a person needs, in the document's
partnership, to ask for one and to download one, and how to render it::

    from documents.kinds import DocumentKind, Rendered, register

    register(DocumentKind(
        key="annual_report",
        title="Annual report",
        request_capability=Capability.SIGN_OFF,
        download_capability=Capability.VIEW_WORKING_PAPERS,
        render=render_annual_report,  # (document, progress) -> Rendered
    ))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

from csp_portal.lib.decisions import Decision

if TYPE_CHECKING:
    from documents.models import GeneratedDocument

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Rendered:
    """What a kind's render function returns: the file's bytes and its download name."""

    content: bytes
    filename: str
    media_type: str = "application/pdf"


class RenderError(Exception):
    """A render that cannot succeed, with a message the person who asked may read."""


@dataclass(frozen=True)
class DocumentKind:
    key: str
    title: str
    # Capabilities (accounts.roles.Capability values) in the document's partnership.
    request_capability: str
    download_capability: str
    render: Callable[[GeneratedDocument, Progress], Rendered]
    # An extra rule for downloading, on top of the capability (for example: scrutiny
    # members only read published versions). (user, document) -> Decision.
    may_download: Callable[[Any, GeneratedDocument], Decision] | None = None


_KINDS: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    existing = _KINDS.get(kind.key)
    if existing is not None and existing != kind:
        raise ImproperlyConfigured(f"The document kind {kind.key!r} is registered twice")
    _KINDS[kind.key] = kind
    return kind


def get_kind(key: str) -> DocumentKind:
    try:
        return _KINDS[key]
    except KeyError as exc:
        raise ImproperlyConfigured(f"No document kind {key!r} is registered") from exc


def registered() -> dict[str, DocumentKind]:
    return dict(_KINDS)
