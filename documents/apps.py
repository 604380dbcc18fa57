from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """Generated files (PDF reports, letters): requested, rendered by a worker, downloaded
    through a permission check. See docs/documents.md."""

    name = "documents"
    verbose_name = "Generated documents"
