"""Checking an uploaded file before anything reads it: one helper for every upload.

``check_upload(file, allowed={Kind.XLSX, Kind.CSV}, max_bytes=...)`` answers with a
``CheckedUpload`` (what the file is, a clean name, its size and SHA-256, its bytes) or
raises a ``ValidationError`` whose message can go straight next to the form field.

- The kind is decided by the content, never by the name or the browser's content type:
  magic bytes (PDF, PNG, JPEG), for ZIP-based formats the members that identify them
  (XLSX, DOCX, ODT), and for CSV and plain text: no NUL or other control bytes and
  decodable as UTF-8 (with or without a byte order mark) or Windows-1252 (what Excel on
  Windows saves as "CSV"). Text cannot tell CSV from plain text, so there the extension
  decides between the two.
- The file name must agree with the kind: a CSV named .xlsx, or an XLSX named .csv, is
  refused (the name is kept and shown, and a name that lies opens the wrong program when
  someone downloads the file later). A name without an extension gets the kind's.
- ZIP-based files are checked from the archive's central directory before any member is
  read (a zip bomb costs nothing to refuse): the number of members, the sum of their
  uncompressed sizes and each member's compression ratio. The declared sizes are what
  ``zipfile`` will deliver at most: it stops a member at its declared size and fails on a
  CRC mismatch, so a member that lies about its size cannot expand further.
- The clean name has no folders, control or format characters (a right-to-left override
  can make ``report‮fdp.exe`` look like a PDF), no characters Windows forbids, no
  reserved device name, and at most ``max_name_length`` characters, extension kept.

This module imports no app: the duties, DHR and funding apps call it the same way.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Collection
from dataclasses import dataclass, field
from enum import Enum
from typing import IO, Any

from django.core.exceptions import ValidationError

MB = 1024 * 1024


class Kind(Enum):
    """A kind of file an upload may be; the value is (extension, other extensions,
    how to name it in a sentence, the short name used in lists)."""

    # What ``value`` holds, declared for mypy, which types ``self.value`` as Any; the
    # properties read ``_value_``, which ``value`` returns.
    _value_: tuple[str, tuple[str, ...], str, str]

    XLSX = ("xlsx", (), "an XLSX spreadsheet", "an XLSX")
    CSV = ("csv", (), "a CSV file", "a CSV")
    DOCX = ("docx", (), "a Word document (DOCX)", "a DOCX")
    ODT = ("odt", (), "an OpenDocument text (ODT)", "an ODT")
    PDF = ("pdf", (), "a PDF", "a PDF")
    PNG = ("png", (), "a PNG image", "a PNG")
    JPEG = ("jpg", ("jpeg",), "a JPEG image", "a JPEG")
    TEXT = ("txt", (), "a plain text file", "a TXT")

    @property
    def extension(self) -> str:
        return self._value_[0]

    @property
    def extensions(self) -> tuple[str, ...]:
        return (self._value_[0], *self._value_[1])

    @property
    def label(self) -> str:
        return self._value_[2]

    @property
    def short(self) -> str:
        return self._value_[3]


_BY_EXTENSION = {ext: kind for kind in Kind for ext in kind.extensions}
# Formats people have that a spreadsheet or word processor can save again as one we take.
_SAVE_AGAIN = {"xls", "xlsm", "xlsb", "ods", "numbers", "doc", "docm", "rtf", "pages", "odt"}
_TEXT_KINDS = {Kind.CSV, Kind.TEXT}


@dataclass(frozen=True)
class ZipLimits:
    """What a ZIP-based upload may unpack to. The ratio applies to members larger than
    ``ratio_applies_over`` bytes: tiny XML parts compress well and harm no one."""

    max_members: int = 1000
    max_uncompressed_bytes: int = 100 * MB
    max_ratio: int = 100
    ratio_applies_over: int = 1 * MB


DEFAULT_ZIP_LIMITS = ZipLimits()


@dataclass(frozen=True)
class CheckedUpload:
    kind: Kind
    clean_name: str
    size: int
    sha256: str
    content: bytes = field(repr=False)
    # For CSV and plain text: the codec that decodes it ("utf-8-sig" or "cp1252").
    encoding: str | None = None
    # For ZIP-based kinds: the sum of the members' uncompressed sizes.
    unpacked_size: int | None = None


def describe_allowed(allowed: Collection[Kind]) -> str:
    """'an XLSX or CSV', 'a PDF, DOCX or ODT': the kinds in their declared order."""
    kinds = [k for k in Kind if k in allowed]
    names = [kinds[0].short] + [k.short.split(" ", 1)[1] for k in kinds[1:]]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " or " + names[-1]


def size_words(size: int) -> str:
    if size >= MB:
        value = size / MB
        return f"{value:.0f} MB" if value >= 10 or value == int(value) else f"{value:.1f} MB"
    return f"{max(1, size // 1024)} KB"


# File names -----------------------------------------------------------------------------

_FORBIDDEN = re.compile(r'[<>:"|?*/\\]')
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)}


def split_extension(name: str) -> tuple[str, str]:
    """('report.final', 'pdf') for 'report.final.pdf'; ('notes', '') for 'notes'."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or not re.fullmatch(r"[A-Za-z0-9]{1,10}", ext):
        return name, ""
    return stem, ext


def clean_filename(name: str, *, max_length: int = 100, default: str = "upload") -> str:
    """A name safe to store, show and send back in a Content-Disposition header."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[/\\]", name)[-1]
    # Control, format (bidirectional overrides, zero-width), surrogate and unassigned.
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = _FORBIDDEN.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    stem, ext = split_extension(name)
    stem = stem.strip(" .")
    if stem.split(".")[0].upper() in _RESERVED:
        stem = "_" + stem
    if not stem:
        stem = default
    suffix = f".{ext.lower()}" if ext else ""
    stem = stem[: max(1, max_length - len(suffix))].rstrip(" .") or default
    return stem + suffix


# Reading the content ---------------------------------------------------------------------


def _read_all(file: IO[bytes] | Any, max_bytes: int) -> bytes:
    declared = getattr(file, "size", None)
    if isinstance(declared, int) and declared > max_bytes:
        raise _too_large(max_bytes)
    if hasattr(file, "seek"):
        file.seek(0)
    content = file.read(max_bytes + 1)
    if hasattr(file, "seek"):
        file.seek(0)
    if len(content) > max_bytes:
        raise _too_large(max_bytes)
    return content


def _too_large(max_bytes: int) -> ValidationError:
    return ValidationError(
        f"The selected file must be smaller than {size_words(max_bytes)}", code="too_large"
    )


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def text_encoding(content: bytes) -> str | None:
    """The codec a text file decodes with, or None if it is not text."""
    if b"\x00" in content:
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return None if _CONTROL.search(text) else encoding
    return None


class _Damaged(Exception):
    """A ZIP-based file whose archive cannot be read."""


def _zip_kind(content: bytes, limits: ZipLimits) -> tuple[Kind | None, int]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise _Damaged from exc
    with archive:
        members = archive.infolist()
        check_zip_members(members, limits)
        names = {m.filename for m in members}
        if "mimetype" in names:
            info = archive.getinfo("mimetype")
            if info.file_size <= 100:
                try:
                    mimetype = archive.read(info).strip()
                except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
                    raise _Damaged from exc
                if mimetype == b"application/vnd.oasis.opendocument.text":
                    return Kind.ODT, sum(m.file_size for m in members)
            return None, 0
        if "[Content_Types].xml" in names:
            # Macro-enabled workbooks and documents are not the kinds we take.
            if "xl/workbook.xml" in names and "xl/vbaProject.bin" not in names:
                return Kind.XLSX, sum(m.file_size for m in members)
            if "word/document.xml" in names and "word/vbaProject.bin" not in names:
                return Kind.DOCX, sum(m.file_size for m in members)
    return None, 0


def check_zip_members(members: list[zipfile.ZipInfo], limits: ZipLimits) -> None:
    """Refuse an archive that would unpack to too much, before any member is read."""
    refuse = "It cannot be read safely: save it again from the program that made it and upload that"
    if len(members) > limits.max_members:
        raise ValidationError(
            f"The selected file holds {len(members):,} parts, more than the "
            f"{limits.max_members:,} an upload may have. {refuse}",
            code="zip_limits",
        )
    if any(m.flag_bits & 0x1 for m in members):
        raise ValidationError(
            "The selected file is password-protected. Remove the password and upload it again",
            code="encrypted",
        )
    unpacked = sum(m.file_size for m in members)
    if unpacked > limits.max_uncompressed_bytes:
        raise ValidationError(
            f"The selected file unpacks to {size_words(unpacked)}, more than the "
            f"{size_words(limits.max_uncompressed_bytes)} an upload may unpack to. {refuse}",
            code="zip_limits",
        )
    for m in members:
        if m.file_size > limits.ratio_applies_over and m.file_size > limits.max_ratio * max(
            m.compress_size, 1
        ):
            raise ValidationError(
                f"The selected file is compressed more than {limits.max_ratio} times over "
                f"(a part of {size_words(m.file_size)} is stored in "
                f"{size_words(m.compress_size)}). {refuse}",
                code="zip_limits",
            )


def detect_kind(
    content: bytes, extension: str, limits: ZipLimits = DEFAULT_ZIP_LIMITS
) -> tuple[Kind | None, str | None, int | None]:
    """(kind, text encoding, unpacked size) from the bytes; the extension only tells CSV
    from plain text. Raises ValidationError for an archive over the limits, _Damaged
    for one that cannot be read."""
    if content.startswith(b"%PDF-"):
        return Kind.PDF, None, None
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return Kind.PNG, None, None
    if content.startswith(b"\xff\xd8\xff"):
        return Kind.JPEG, None, None
    if content.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        kind, unpacked = _zip_kind(content, limits)
        return kind, None, unpacked if kind else None
    encoding = text_encoding(content)
    if encoding:
        return (Kind.CSV if extension == "csv" else Kind.TEXT), encoding, None
    return None, None, None


def check_upload(
    file: IO[bytes] | Any,
    *,
    allowed: Collection[Kind],
    max_bytes: int,
    zip_limits: ZipLimits = DEFAULT_ZIP_LIMITS,
    name: str | None = None,
    max_name_length: int = 100,
) -> CheckedUpload:
    """Check an uploaded file (a Django UploadedFile or any binary file object with a
    name); see the module docstring. The file is left at its start."""
    allowed = frozenset(allowed)
    wanted = describe_allowed(allowed)
    content = _read_all(file, max_bytes)
    if not content:
        raise ValidationError("The selected file is empty", code="empty")
    clean_name = clean_filename(name or getattr(file, "name", "") or "", max_length=max_name_length)
    stem, extension = split_extension(clean_name)
    extension = extension.lower()
    named = _BY_EXTENSION.get(extension)
    try:
        kind, encoding, unpacked = detect_kind(content, extension, zip_limits)
    except _Damaged:
        what = named.label if named is not None and named in allowed else "a ZIP archive"
        raise ValidationError(
            f"The file could not be opened as {what}. Save it again as {wanted} and try again",
            code="damaged",
        ) from None
    if kind is None or kind not in allowed:
        if named is not None and named in allowed:
            message = f"The file is not a real {named.label.split(' ', 1)[1]}. Upload {wanted}"
        elif extension in _SAVE_AGAIN:
            message = f"The selected file must be {wanted}: save your .{extension} file as {wanted.split(' ', 1)[1]}"
        else:
            message = f"The selected file must be {wanted}"
        raise ValidationError(message, code="wrong_type")
    if not extension:
        clean_name = f"{stem[: max_name_length - len(kind.extension) - 1]}.{kind.extension}"
    elif extension not in kind.extensions:
        instead = {named} if named is not None and named in allowed else allowed
        raise ValidationError(
            f"The file is named .{extension} but is {kind.label}. Rename it to end in "
            f".{kind.extension}, or save it as {describe_allowed(instead)}, and upload it again",
            code="misnamed",
        )
    return CheckedUpload(
        kind=kind,
        clean_name=clean_name,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        encoding=encoding,
        unpacked_size=unpacked,
    )
