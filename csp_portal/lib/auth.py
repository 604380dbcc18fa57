"""Sign-in plumbing: which pages need a signed-in person, and how django-axes names the
account and the address a failed sign-in is counted against."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponseBase


class PortalLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Pages need a signed-in user; the API authenticates itself (session or token) and
    answers 401/403 as JSON, so it is left to DRF."""

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


def axes_username(request: Any, credentials: dict[str, Any] | None = None) -> str | None:
    """The email address a sign-in attempt was for, as django-axes counts failures:
    lower-cased, so "Name@Example.org" and "name@example.org" share one count, as they
    share one account (the admin's sign-in form does not lower-case it)."""
    data = credentials if credentials else getattr(request, "data", request.POST)
    username = data.get("username")
    return username.strip().lower() if username else None


def client_ip_address(request: HttpRequest) -> str | None:
    """The address a request came from, as django-axes counts sign-in failures.

    With CSP_TRUSTED_PROXY_COUNT = n > 0 the portal sits behind n proxies, each of which
    appends the address it received the request from to X-Forwarded-For; the client is
    therefore the n-th entry from the right. Entries further left were written by the
    client and are never believed. A request without enough entries did not come through
    the proxies (or was mangled), and counts against the address that sent it, as does
    every request when n is 0.
    """
    remote: str | None = request.META.get("REMOTE_ADDR")
    count = settings.CSP_TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [entry for entry in forwarded if entry]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
