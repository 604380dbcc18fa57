"""documents.services: asking for a document, rendering it, and rendering it again.

Rendering goes through the workflow core (queued -> rendering -> ready or failed, each a
DocumentEvent); a second run of a ready document changes nothing; a failure keeps a
reason people may read and never the fault's internals.
"""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from documents.kinds import DocumentKind, get_kind, register
from documents.models import GeneratedDocument
from documents.services import (
    DOCUMENT_WORKFLOW,
    FAILED_FOR_AN_UNKNOWN_REASON,
    document_progress,
    document_render,
    document_request,
)
from tests.documents import kinds

Status = GeneratedDocument.Status


def ask(world, kind="test_note", persona="officer"):
    return document_request(
        subject=world.home, partnership=world.home, kind=kind, by=world.person(persona)
    )


def test_asking_makes_a_queued_version_and_renders_it_after_the_commit(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = ask(world)
    assert (document.status, document.version, document.progress) == (Status.QUEUED, 1, 0)
    assert document.requested_by == world.person("officer")
    assert document.subject == world.home
    assert len(callbacks) == 1

    callbacks[0]()  # the on-commit enqueue; tasks run eagerly in tests
    document.refresh_from_db()
    assert document.status == Status.READY
    assert document.progress == 100
    stored = document.file.read()
    assert stored.startswith(b"%PDF-")
    assert document.checksum == hashlib.sha256(stored).hexdigest()
    assert document.size == len(stored)
    assert document.filename == "note-v1.pdf"
    assert document.started_at <= document.finished_at
    assert list(document.events.values_list("kind", "from_state", "to_state", "by")) == [
        ("requested", "", "queued", world.person("officer").pk),
        ("started", "queued", "rendering", None),
        ("ready", "rendering", "ready", None),
    ]


def test_each_request_is_a_new_version(world):
    first, second = ask(world), ask(world, persona="manager")
    assert (first.version, second.version) == (1, 2)
    other_kind = ask(world, kind="test_refused")
    assert other_kind.version == 1


def test_a_second_run_of_a_ready_document_does_nothing(world):
    document = ask(world)
    document_render(document_id=document.pk)
    document.refresh_from_db()
    before = (document.file.name, document.checksum, document.finished_at)

    again = document_render(document_id=document.pk)

    assert (again.file.name, again.checksum, again.finished_at) == before
    assert again.events.count() == 3


def test_a_run_that_finds_it_rendering_renders_it_again(world):
    """A worker died mid-render and the task came back: the document is still made."""
    document = ask(world)
    DOCUMENT_WORKFLOW.apply("start", document, by=None)
    document_render(document_id=document.pk)
    document.refresh_from_db()
    assert document.status == Status.READY
    assert document.checksum == hashlib.sha256(document.file.read()).hexdigest()


def test_a_refused_render_keeps_the_reason(world):
    document = document_render(document_id=ask(world, kind="test_refused").pk)
    assert document.status == Status.FAILED
    assert document.error == "The plan has no priorities to report on."
    assert not document.file
    assert document.events.last().to_state == "failed"


def test_a_fault_fails_with_a_plain_reason_and_no_internals(world, caplog):
    document = document_render(document_id=ask(world, kind="test_broken").pk)
    assert document.status == Status.FAILED
    assert document.error == str(FAILED_FOR_AN_UNKNOWN_REASON)
    assert "/srv/secret" not in document.error
    assert "/srv/secret" in caplog.text  # the fault itself goes to the log


@pytest.mark.parametrize("persona", ["viewer", "scrutiny", "pcc_reviewer", "other_partnership"])
def test_only_those_with_the_kinds_capability_may_ask(world, persona):
    with pytest.raises(PermissionDenied, match="cannot ask for a test note"):
        ask(world, persona=persona)
    assert not GeneratedDocument.objects.exists()


def test_no_person_may_make_the_rendering_transitions(world):
    document = ask(world)
    with pytest.raises(PermissionDenied, match="made by the portal"):
        DOCUMENT_WORKFLOW.apply("start", document, by=world.person("manager"))
    document.refresh_from_db()
    assert document.status == Status.QUEUED


def test_progress_is_bounded_and_only_while_rendering(world):
    document = ask(world)
    document_progress(document=document, percent=50)
    document.refresh_from_db()
    assert document.progress == 0  # still queued
    DOCUMENT_WORKFLOW.apply("start", document, by=None)
    document_progress(document=document, percent=250)
    document.refresh_from_db()
    assert document.progress == 100


def test_a_kind_is_registered_once_and_must_exist():
    assert get_kind("test_note") is kinds.NOTE
    register(kinds.NOTE)  # the same registration again (a module imported twice) is fine
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        register(DocumentKind("test_note", "Other", "contribute", "contribute", kinds.render_note))
    with pytest.raises(ImproperlyConfigured, match="No document kind 'annual_report'"):
        get_kind("annual_report")


def test_the_files_are_outside_the_media_root_and_have_no_public_url(world, settings):
    document = document_render(document_id=ask(world).pk)
    path = document.file.path
    assert not path.startswith(str(settings.MEDIA_ROOT))
    assert "private-documents" in path
    with pytest.raises(NotImplementedError):
        document.file.url  # noqa: B018


def test_the_folder_can_be_named_in_the_settings(world, settings, tmp_path):
    settings.DOCUMENTS_ROOT = tmp_path / "shared-volume"
    document = document_render(document_id=ask(world).pk)
    assert document.file.path.startswith(str(tmp_path / "shared-volume"))
