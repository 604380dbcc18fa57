"""csp_portal.lib.pdf: a template to PDF with WeasyPrint, checked with poppler's tools.

Title and language come from the HTML; the page numbers in the bottom margin box are set
in the Arial-compatible face (Liberation Sans) and embedded, although the body here is
set in another face; nothing is fetched from the network or outside the static files.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import zlib
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines

from csp_portal.lib.pdf import RefusedURL, StaticOnlyFetcher, html_to_pdf

pytestmark = pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="needs poppler-utils")

PAGES = """{% extends "pdf/base.html" %}
{% block title %}Safer Somerset Annual Report 2016/17{% endblock %}
{% block styles %}body { font-family: "DejaVu Serif", serif; }{% endblock %}
{% block content %}<h1>Safer Somerset Annual Report 2016/17</h1>
{% for n in sections %}<h2>Section {{ n }}</h2><p>What happened in section {{ n }}.</p>
{% if not forloop.last %}<div style="break-after: page"></div>{% endif %}{% endfor %}
{{ extra|safe }}{% endblock %}"""


def render(tmp_path: Path, extra: str = "", sections: int = 3) -> Path:
    html = (
        engines["django"]
        .from_string(PAGES)
        .render({"sections": range(1, sections + 1), "extra": extra})
    )
    path = tmp_path / "out.pdf"
    path.write_bytes(html_to_pdf(html))
    return path


def run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def catalog_language(pdf: bytes) -> str | None:
    """The catalog's /Lang, looked for in the PDF and its compressed object streams."""
    chunks = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    for chunk in chunks:
        found = re.search(rb"/Lang\s*\(([^)]*)\)", chunk)
        if found:
            return found.group(1).decode()
    return None


def test_the_title_language_and_page_numbers_are_set(tmp_path):
    path = render(tmp_path)

    info = run("pdfinfo", str(path))
    assert re.search(r"^Title:\s+Safer Somerset Annual Report 2016/17$", info, re.M)
    assert re.search(r"^Pages:\s+3$", info, re.M)
    assert catalog_language(path.read_bytes()) == "en-GB"
    text = run("pdftotext", "-layout", str(path), "-")
    # Each page's foot: the running title (from the h1) and "Page n of 3".
    footers = re.findall(r"Safer Somerset Annual Report 2016/17\s+Page (\d) of (\d)", text)
    assert footers == [("1", "3"), ("2", "3"), ("3", "3")]


def test_the_margin_box_font_is_the_arial_compatible_face_embedded(tmp_path):
    if "Liberation Sans" not in run("fc-match", "Arial"):
        pytest.fail(
            "Arial or Liberation Sans must be installed (the Docker image and CI install fonts-liberation)"
        )
    path = render(tmp_path)

    rows = run("pdffonts", str(path)).splitlines()[2:]
    fonts = {row.split()[0].split("+")[-1]: row.split() for row in rows}
    # The body is DejaVu Serif, so Liberation Sans is there for the margin boxes (and h1/h2
    # would be bold serif): it must be embedded (the "emb" column says yes).
    assert any(name.startswith("DejaVu-Serif") or name.startswith("DejaVuSerif") for name in fonts)
    liberation = [
        row for name, row in fonts.items() if name == "Liberation-Sans" or name == "LiberationSans"
    ]
    assert liberation, f"no Liberation Sans in {sorted(fonts)}"
    assert liberation[0][-5] == "yes"  # emb


class _Counting(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - the http.server name
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    server = HTTPServer(("127.0.0.1", 0), _Counting)
    _Counting.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_nothing_is_fetched_from_the_network_or_outside_the_static_files(tmp_path, http_server):
    extra = (
        f'<link rel="stylesheet" href="{http_server}/style.css">'
        f'<img src="{http_server}/logo.png" alt="Logo">'
        '<img src="file:///etc/hostname" alt="A file">'
        f'<p style="background: url({http_server}/bg.png)">Text</p>'
    )
    path = render(tmp_path, extra=extra, sections=1)

    assert _Counting.hits == []
    assert "Text" in run("pdftotext", str(path), "-")


def test_the_fetcher_serves_static_files_and_refuses_everything_else():
    fetcher = StaticOnlyFetcher()
    response = fetcher.fetch("file:///static/images/favicon.svg")
    assert response.read() == (Path(settings.BASE_DIR) / "static/images/favicon.svg").read_bytes()
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    for url in (
        "http://127.0.0.1/x.css",
        "https://example.org/x.png",
        "file:///etc/passwd",
        "file:///static/../../etc/passwd",
        "file:///static/images/no-such-file.svg",
        "ftp://example.org/x",
    ):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)


def test_a_static_image_is_drawn(tmp_path):
    """A relative URL resolves against the static folder, as on a page. (With alt="",
    an image that failed to load would draw nothing at all.)"""
    (tmp_path / "with").mkdir()
    (tmp_path / "without").mkdir()
    image = '<img src="images/favicon.svg" alt="" style="width: 20mm">'
    with_image = render(tmp_path / "with", extra=image, sections=1)
    without = render(tmp_path / "without", sections=1)
    assert with_image.stat().st_size > without.stat().st_size + 200
