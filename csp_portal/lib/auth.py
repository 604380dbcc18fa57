from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
