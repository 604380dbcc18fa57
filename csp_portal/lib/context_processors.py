from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from csp_portal.lib.navigation import navigation_for


def service(request: HttpRequest) -> dict[str, Any]:
    return {
        "service_name": settings.SERVICE_NAME,
        "service_contact_email": settings.SERVICE_CONTACT_EMAIL,
        "navigation": navigation_for(request),
    }
