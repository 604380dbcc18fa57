"""Where generated files live: a private storage, never under a public URL.

If settings.STORAGES has a "documents" entry (an S3-compatible bucket through
django-storages, so several web and worker machines share the files), that is used.
Otherwise files go on the file system in settings.DOCUMENTS_ROOT if it is set, else in a
folder beside the media root, not inside it: ``<MEDIA_ROOT>/../private-documents``.
Nothing serves that folder; only the permission-checked download view
(documents.views.download) sends a file. Web and worker machines must share it (in
docker-compose.yml, a volume mounted on both).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.functional import cached_property


class PrivateFileSystemStorage(FileSystemStorage):
    """File system storage beside the media root, with no public URL: url() refuses.

    The folder follows MEDIA_ROOT (read when first used, and again if the setting
    changes, as FileSystemStorage does), so a test's own media root holds its files."""

    # FileSystemStorage.__init__'s ``location``; django-stubs leave it out.
    _location: str | None

    def _clear_cached_properties(self, setting: str, **kwargs: object) -> None:
        # Django calls this on every setting_changed; django-stubs type ``setting`` as only
        # the four names the base class acts on.
        super()._clear_cached_properties(setting, **kwargs)  # type: ignore[arg-type]
        if setting == "DOCUMENTS_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    @cached_property
    def base_location(self) -> str:
        if self._location is not None:
            return self._location
        configured = getattr(settings, "DOCUMENTS_ROOT", None)
        if configured:
            return str(configured)
        return str(Path(settings.MEDIA_ROOT).parent / "private-documents")

    def url(self, name: str | None) -> str:
        raise NotImplementedError("Generated documents are sent only by the download view")


def documents_storage() -> Storage:
    """The storage of GeneratedDocument.file (a callable, so settings decide at run time)."""
    if "documents" in settings.STORAGES:
        return storages["documents"]
    return PrivateFileSystemStorage()
