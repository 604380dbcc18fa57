"""Permission matrix: the download of a generated document (documents/urls.py)."""

from __future__ import annotations

from django.urls import reverse

from documents.models import GeneratedDocument
from tests.matrix import Route, partnership_page


def _ready_note(w):
    """A ready test note of "home" (test kind: working papers may download it)."""
    from documents.services import document_render, document_request
    from tests.documents import kinds  # noqa: F401 - registers the test kinds

    document = document_request(
        subject=w.home, partnership=w.home, kind="test_note", by=w.person("officer")
    )
    document_render(document_id=document.pk)


def _download_url(w):
    document = GeneratedDocument.objects.get(partnership=w.home, kind="test_note")
    return reverse("documents:download", kwargs={"partnership": w.home.slug, "code": document.code})


ROUTES = [
    Route(
        "documents:download",
        _download_url,
        partnership_page({"viewer", "officer", "manager"}),
        setup=_ready_note,
        note="The kind's capability (working papers) decides; no standing is 404.",
    ),
]
