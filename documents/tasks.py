"""The render task: a doorway to documents.services.document_render (takes an id)."""

from __future__ import annotations

from celery import shared_task


@shared_task
def document_render_task(document_id: int) -> str:
    """Render a queued document; returns the status it ends in."""
    from documents.services import document_render

    return document_render(document_id=document_id).status
