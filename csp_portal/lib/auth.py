from __future__ import annotations

from django.contrib.auth.middleware import LoginRequiredMiddleware


class PortalLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Pages need a signed-in user; the API authenticates itself (session or token) and
    answers 401/403 as JSON, so it is left to DRF."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


def axes_username(request, credentials: dict | None = None) -> str | None:
    """The email address a sign-in attempt was for, as django-axes counts failures:
    lower-cased, so "Name@Example.org" and "name@example.org" share one count, as they
    share one account (the admin's sign-in form does not lower-case it)."""
    data = credentials if credentials else getattr(request, "data", request.POST)
    username = data.get("username")
    return username.strip().lower() if username else None
