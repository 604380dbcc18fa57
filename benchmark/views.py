"""The benchmark's yardstick page, served only by benchmark.urls (benchmark.settings)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def trivial(request: HttpRequest) -> HttpResponse:
    """The full middleware stack and nothing else: each measured page's throughput is
    given as a share of this one's (benchmark/run.py)."""
    return HttpResponse("ok", content_type="text/plain")
