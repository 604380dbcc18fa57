"""The portal's URLs plus views that fail, to show what the 500 and 403 handlers answer.

Its error handlers are the portal's own (imported from csp_portal.urls), so a test using
this URLconf sees the handlers the portal registers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.urls import path

from csp_portal.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


@login_not_required
def broken(request):
    raise RuntimeError("a fault in a view")


@login_not_required
def forbidden(request):
    raise PermissionDenied("Only the partnership's manager can do this.")


urlpatterns = [
    path("api/v1/broken/", broken),
    path("broken/", broken),
    path("api/v1/forbidden/", forbidden),
    path("forbidden/", forbidden),
    *urlpatterns,
]
