from django.apps import AppConfig


class CspPortalConfig(AppConfig):
    """The project package is also an app so that it can carry template tags and the
    portal-wide management commands (seed_demo)."""

    name = "csp_portal"
    verbose_name = "CSP Portal"
