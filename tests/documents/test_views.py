"""The download view: the file as an attachment with private, no-store headers; 404 for
people without standing in the partnership; 403 with a reason otherwise."""

from __future__ import annotations

import pytest
from django.urls import reverse

from documents.services import document_render, document_request
from tests.documents import kinds  # noqa: F401 - registers the test kinds


def url(document):
    return reverse(
        "documents:download",
        kwargs={"partnership": document.partnership.slug, "code": document.code},
    )


@pytest.fixture
def note(world):
    document = document_request(
        subject=world.home, partnership=world.home, kind="test_note", by=world.person("officer")
    )
    return document_render(document_id=document.pk)


def test_it_sends_the_file_as_a_private_attachment(client_for, note):
    response = client_for("viewer").get(url(note))

    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body == note.file.open("rb").read()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="note-v1.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_standing_is_404_and_a_member_without_the_capability_403(client_for, note):
    assert client_for("other_partnership").get(url(note)).status_code == 404
    assert client_for("other_area_pcc").get(url(note)).status_code == 404
    response = client_for("scrutiny").get(url(note))
    assert response.status_code == 403
    assert "You cannot download this document." in response.content.decode()


def test_a_document_of_another_partnership_is_404_under_this_one(world, client_for, note):
    wrong = reverse(
        "documents:download", kwargs={"partnership": world.neighbour.slug, "code": note.code}
    )
    assert client_for("site_admin").get(wrong).status_code == 404


def test_a_document_not_ready_cannot_be_downloaded(world, client_for):
    queued = document_request(
        subject=world.home, partnership=world.home, kind="test_note", by=world.person("officer")
    )
    response = client_for("manager").get(url(queued))
    assert response.status_code == 403
    assert "not ready yet" in response.content.decode()


def test_the_kind_may_add_a_rule_of_its_own(world, client_for):
    document = document_request(
        subject=world.home,
        partnership=world.home,
        kind="test_published_only",
        by=world.person("officer"),
    )
    document_render(document_id=document.pk)
    response = client_for("scrutiny").get(url(document))
    assert response.status_code == 403
    assert "Only published versions." in response.content.decode()


def test_only_get(client_for, note):
    assert client_for("manager").post(url(note)).status_code == 405
