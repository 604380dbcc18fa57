"""Pages that belong to the service as a whole: home, health, accessibility, errors."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.cache import never_cache

from accounts.selectors import role_grants_for_user
from csp_portal.lib.errors import error_response, is_api_request
from csp_portal.lib.health import run_checks


def home(request: HttpRequest) -> HttpResponse:
    grants = role_grants_for_user(user=request.user)
    return render(request, "home.html", {"grants": grants})


@login_not_required
@never_cache
def health(request: HttpRequest) -> HttpResponse:
    checks = run_checks()
    healthy = all(c.ok for c in checks)
    return render(
        request,
        "health.html",
        {"checks": checks, "healthy": healthy},
        status=200 if healthy else 503,
    )


@login_not_required
@never_cache
def health_json(request: HttpRequest) -> JsonResponse:
    checks = run_checks()
    healthy = all(c.ok for c in checks)
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "checks": [c.as_dict() for c in checks]},
        status=200 if healthy else 503,
    )


@login_not_required
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


# Error handlers (csp_portal/urls.py) ------------------------------------------------------
# Under /api/ each answers {"detail": ...} as JSON; elsewhere a GOV.UK page.


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400, and 413 for a body over DATA_UPLOAD_MAX_MEMORY_SIZE: Django raises both as
    SuspiciousOperation subclasses and sends every one of them here."""
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return error_response(
            request,
            413,
            f"The request body is larger than {limit} bytes.",
            page_text=f"What you sent must be smaller than {limit / (1024 * 1024):.0f} MB.",
        )
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        return error_response(
            request,
            400,
            "The request has too many fields.",
            page_text="The form you sent had more fields than the service accepts.",
        )
    return error_response(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        return error_response(request, 403, str(exception or "") or None)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        return error_response(request, 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    return error_response(request, 500)
