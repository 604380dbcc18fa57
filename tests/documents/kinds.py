"""Document kinds for tests only, registered when this module is imported.

The test process imports it through the tests that use it; the real Celery worker of
``@pytest.mark.worker`` tests imports it through tests/worker_imports.py.

- ``test_note``: a one-page PDF about a partnership (officers and managers ask for it;
  anyone with working papers downloads it), reporting progress on the way;
- ``test_refused``: a render that fails with a reason for people;
- ``test_broken``: a render with a fault in it;
- ``test_published_only``: a kind with a download rule of its own that refuses everyone.
"""

from __future__ import annotations

from django.template import engines

from accounts.roles import Capability
from csp_portal.lib.decisions import Decision
from csp_portal.lib.pdf import html_to_pdf
from documents.kinds import DocumentKind, Rendered, RenderError, register

NOTE_TEMPLATE = """{% extends "pdf/base.html" %}
{% block title %}Note on {{ name }}{% endblock %}
{% block content %}<h1>Note on {{ name }}</h1><p>Version {{ version }}.</p>{% endblock %}"""


def render_note(document, progress) -> Rendered:
    progress(10)
    html = (
        engines["django"]
        .from_string(NOTE_TEMPLATE)
        .render({"name": document.partnership.name, "version": document.version})
    )
    content = html_to_pdf(html)
    progress(90)
    return Rendered(content=content, filename=f"note-v{document.version}.pdf")


def render_refused(document, progress) -> Rendered:
    raise RenderError("The plan has no priorities to report on.")


def render_broken(document, progress) -> Rendered:
    raise RuntimeError("a fault with internal details: /srv/secret")


NOTE = register(
    DocumentKind(
        key="test_note",
        title="Test note",
        request_capability=Capability.CONTRIBUTE,
        download_capability=Capability.VIEW_WORKING_PAPERS,
        render=render_note,
    )
)
REFUSED = register(
    DocumentKind(
        key="test_refused",
        title="Test refusal",
        request_capability=Capability.CONTRIBUTE,
        download_capability=Capability.VIEW_WORKING_PAPERS,
        render=render_refused,
    )
)
BROKEN = register(
    DocumentKind(
        key="test_broken",
        title="Test fault",
        request_capability=Capability.CONTRIBUTE,
        download_capability=Capability.VIEW_WORKING_PAPERS,
        render=render_broken,
    )
)


def only_published(user, document) -> Decision:
    return Decision.deny("Only published versions.")


PUBLISHED_ONLY = register(
    DocumentKind(
        key="test_published_only",
        title="Published note",
        request_capability=Capability.CONTRIBUTE,
        download_capability=Capability.VIEW_PUBLISHED,
        render=render_note,
        may_download=only_published,
    )
)
