"""Error responses the portal gives outside a view: JSON under /api/, GOV.UK pages elsewhere.

The request guard (csp_portal.lib.middleware) and the URLconf's error handlers
(csp_portal.views) both answer through ``error_response``, so an API client never gets an
HTML page and a person never gets JSON, whichever layer refused the request.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader

API_PREFIX = "/api/"

# What each status tells an API client, and the page a person sees.
_DETAIL = {
    400: "The request could not be understood.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    413: "The request body is too large.",
    500: "Sorry, there is a problem with the service. Try again later.",
}


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def error_response(
    request: HttpRequest, status: int, detail: str | None = None, *, page_text: str | None = None
) -> HttpResponse:
    """``{"detail": ...}`` with ``status`` under /api/, otherwise the ``<status>.html`` page
    (which may show ``page_text``, written for a person rather than a program)."""
    detail = detail or _DETAIL[status]
    if is_api_request(request):
        return JsonResponse({"detail": detail}, status=status)
    if status == 500:
        # As Django's own handler: no context processors, nothing that could fail again.
        return HttpResponse(loader.get_template("500.html").render(), status=500)
    if not hasattr(request, "user"):
        # Refused before the authentication middleware ran (and on purpose: the request
        # is not let near the session); the page header shows a signed-out person.
        request.user = AnonymousUser()
    return render(request, f"{status}.html", {"detail": page_text}, status=status)
