"""The portal's own middleware: session expiry, the request guard, the missing-slash
redirect and Cache-Control (their order is in settings.MIDDLEWARE, and docs/hardening.md).

Session expiry: after a period without activity, and after a maximum length.

The session ends SESSION_IDLE_TIMEOUT seconds after the last request, and
SESSION_COOKIE_AGE seconds after it started whatever happens. (Django's own expiry
date moves forward whenever the session is saved, so on its own it never ends the
session of someone who keeps working.) To avoid writing the session on every request,
the last-seen time is only refreshed once a minute.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.common import CommonMiddleware

from csp_portal.lib.errors import error_response, is_api_request

_KEY = "csp_last_seen"
_STARTED_KEY = "csp_session_started"
_REFRESH_AFTER = 60


class SessionIdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(_KEY, now)
            started = request.session.get(_STARTED_KEY, now)
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(
                    request, "You were signed out because you had not done anything for a while."
                )
            elif now - started > settings.SESSION_COOKIE_AGE:
                logout(request)
                hours = settings.SESSION_COOKIE_AGE // 3600
                messages.info(
                    request,
                    f"You were signed out because you signed in more than {hours} hours ago.",
                )
            elif now - last_seen >= _REFRESH_AFTER or _KEY not in request.session:
                request.session[_KEY] = now
                request.session.setdefault(_STARTED_KEY, now)
        return self.get_response(request)


# The request guard ------------------------------------------------------------------------

_NUL = "\x00"
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# A JSON string escape that decodes to NUL: \u0000 after an even number of backslashes
# (an odd number would make the backslash before the "u" a literal one).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def _has_nul(items: Iterable[tuple[str, list[Any]]]) -> bool:
    return any(_NUL in key or any(_NUL in str(v) for v in values) for key, values in items)


def _nul_found_in(request: HttpRequest) -> str | None:
    """Where the request carries a NUL byte, or None."""
    if _NUL in request.path_info:
        return "the address"
    if _has_nul(request.GET.lists()):
        return "the query string"
    if _NUL in request.META.get("HTTP_COOKIE", "") or _has_nul(
        (name, [value]) for name, value in request.COOKIES.items()
    ):
        return "a cookie"
    for key, value in request.META.items():
        if (key.startswith("HTTP_") or key.startswith("CONTENT_")) and _NUL in str(value):
            return "a header"
    content_type = request.content_type or ""
    if request.method == "POST" and content_type in _FORM_TYPES:
        # (Uploaded files' names need no check: Django's multipart parser drops NUL.)
        if _has_nul(request.POST.lists()):
            return "a form field"
    elif content_type == "application/x-www-form-urlencoded":
        if _has_nul(QueryDict(request.body, encoding=request.encoding).lists()):
            return "a form field"
    elif content_type == "application/json" or content_type.endswith("+json"):
        if b"\x00" in request.body or _JSON_NUL.search(request.body):
            return "the JSON body"
    return None


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class RequestGuardMiddleware:
    """Refuses, before the session, authentication or django-axes read anything, what no
    view can handle:

    - a body longer than ``REQUEST_BODY_MAX_BYTES`` (413, answered without reading it; the
      reverse proxy in front refuses it earlier still, deploy/Caddyfile);
    - a NUL byte in the path, a query parameter, a cookie, a header, a form field or a JSON
      string. PostgreSQL can neither store nor compare text holding NUL (psycopg raises
      ValueError: a 500 from wherever the value first met a query — the session lookup,
      the token lookup, a filter), so it is refused once here with 400 rather than in each
      view.

    Reading the body here also puts JSON bodies under DATA_UPLOAD_MAX_MEMORY_SIZE (DRF
    would otherwise stream them without a limit); a body over it is a RequestDataTooBig,
    which the 400 handler answers with 413 (csp_portal.views.bad_request).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _content_length(request) > settings.REQUEST_BODY_MAX_BYTES:
            megabytes = settings.REQUEST_BODY_MAX_BYTES / (1024 * 1024)
            return _no_store(
                error_response(
                    request,
                    413,
                    f"The request body is larger than {settings.REQUEST_BODY_MAX_BYTES} bytes.",
                    page_text=f"What you sent must be smaller than {megabytes:.0f} MB.",
                )
            )
        where = _nul_found_in(request)
        if where:
            return _no_store(
                error_response(
                    request,
                    400,
                    f"The request contains a NUL character in {where}.",
                    page_text=f"The request contained a character the service cannot accept ({where}).",
                )
            )
        return self.get_response(request)


# Redirecting to the address with its slash ---------------------------------------------------


class PortalCommonMiddleware(CommonMiddleware):
    """Django's CommonMiddleware, but the missing-slash redirect is only for GET and HEAD.

    Redirecting a POST, PUT, PATCH or DELETE would lose its body (browsers and most clients
    follow a 301 with a GET), so Django refuses it, and under DEBUG raises RuntimeError (a
    500). Those requests get a plain 404 instead (JSON under /api/): the address is wrong.
    """

    def should_redirect_with_slash(self, request: HttpRequest) -> bool:
        if request.method not in ("GET", "HEAD"):
            return False
        return super().should_redirect_with_slash(request)


# Cache-Control ---------------------------------------------------------------------------

_PRIVATE = "private, no-store"


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = _PRIVATE
    return response


def _is_personal(request: HttpRequest, response: HttpResponse) -> bool:
    if is_api_request(request) or response.cookies:
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class PrivateCacheMiddleware:
    """``Cache-Control: private, no-store`` on every response that belongs to one person:
    anything a signed-in person sees, every API response, and any response setting a
    cookie (the sign-in page carries a CSRF token tied to its cookie). A header that
    already says no-store is kept (downloads, the health pages).

    Anonymous pages that set no cookie (the accessibility statement, the pages a
    signed-out person is redirected from) stay cacheable, and static files never come
    this far: WhiteNoise, earlier in the stack, answers them with its own long-lived,
    immutable headers for hashed names.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", "") and _is_personal(request, response):
            _no_store(response)
        return response
