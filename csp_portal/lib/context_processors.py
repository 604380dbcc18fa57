from __future__ import annotations

from django.conf import settings

from csp_portal.lib.navigation import navigation_for


def service(request) -> dict:
    return {
        "service_name": settings.SERVICE_NAME,
        "service_contact_email": settings.SERVICE_CONTACT_EMAIL,
        "navigation": navigation_for(request),
    }
