from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = "Partnerships"

    def ready(self) -> None:
        from csp_portal.lib.access import register_grant_source
        from partnerships.grants import PartnershipGrants

        # The access helper reads role grants through this source (it imports no app).
        register_grant_source(PartnershipGrants())
