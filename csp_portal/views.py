"""Pages that belong to the service as a whole: home, health, accessibility, errors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from accounts.selectors import role_grants_for_user
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
