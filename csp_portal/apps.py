from django.apps import AppConfig


class CspPortalConfig(AppConfig):
    """The project package is also an app so that it can carry template tags and the
    portal-wide management commands (load_reference_data)."""

    name = "csp_portal"
    verbose_name = "CSP Portal"

    def ready(self) -> None:
        from csp_portal.lib import navigation
        from csp_portal.navigation import NAV_ITEMS

        navigation.register(*NAV_ITEMS)
