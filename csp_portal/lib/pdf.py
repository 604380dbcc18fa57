"""Render a Django template to PDF bytes with WeasyPrint, fetching nothing from outside.

``render_pdf("reports/annual.html", context)`` renders the template and turns the HTML
into a PDF. Templates extend ``pdf/base.html``, which sets the page (A4, page
numbers "Page 3 of 12" in the bottom margin box), the typeface (Arial, or its metric
twin Liberation Sans where Arial is not installed: the Docker image installs
fonts-liberation), the language (``<html lang="en-GB">``) and the title (``<title>``
becomes the PDF's Title).

Resources: stylesheets and images are read only from the portal's own static files
(``{% static %}`` URLs, or paths relative to the static folder) and ``data:`` URLs.
Anything else, above all ``http(s)://``, is refused without a request being made, so
nothing written into a report can make the server fetch a URL (server-side request
forgery) or read a file outside the static folders.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)


def _static_url() -> str:
    return settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/static/"


class RefusedURL(ValueError):
    """A resource a PDF may not fetch (WeasyPrint leaves it out and carries on)."""


def _static_file(path: str) -> Path | None:
    """The file a /static/… path names: collected (STATIC_ROOT) first, then the finders."""
    static_url = _static_url()
    if not path.startswith(static_url):
        return None
    relative = path[len(static_url) :]
    if not relative or ".." in Path(relative).parts:
        return None
    root = Path(settings.STATIC_ROOT) if settings.STATIC_ROOT else None
    if root is not None:
        candidate = (root / relative).resolve()
        if candidate.is_file() and candidate.is_relative_to(root.resolve()):
            return candidate
    found = finders.find(relative)
    return Path(found) if found else None


class StaticOnlyFetcher(URLFetcher):
    """WeasyPrint's fetcher, limited to the portal's static files and data: URLs."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            found = _static_file(unquote(urlsplit(url).path))
            if found is not None:
                return URLFetcherResponse(found.as_uri(), found.read_bytes())
        logger.warning("PDF rendering refused to fetch %s", url[:200])
        raise RefusedURL(f"Only the portal's static files can be used in a PDF, not {url[:200]}")


def html_to_pdf(html: str, *, base_url: str | None = None, **options: Any) -> bytes:
    """PDF bytes for an HTML string (``options`` are WeasyPrint's, e.g. pdf_tags=True).

    Relative URLs resolve against the static URL, as they would on a page."""
    base_url = base_url or "file://" + _static_url()
    document = HTML(string=html, base_url=base_url, url_fetcher=StaticOnlyFetcher(timeout=5))
    pdf: bytes = document.write_pdf(**options)  # WeasyPrint has no type information
    return pdf


def render_pdf(template_name: str, context: dict[str, Any] | None = None, **options: Any) -> bytes:
    """Render a template (usually extending pdf/base.html) to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context or {}), **options)
