from django.apps import AppConfig, apps


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and roles"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        # Role capabilities live in code (accounts/roles.py); bring every role group's
        # guardian permissions in line with them whenever the schema is migrated. The
        # capabilities are permissions of the partnerships app, which exist once that
        # app's own post_migrate (create_permissions) has run, hence the sender.
        post_migrate.connect(
            _sync_after_migrate,
            sender=apps.get_app_config("partnerships"),
            dispatch_uid="accounts_role_groups_sync",
        )


def _sync_after_migrate(sender, **kwargs) -> None:
    from accounts.services import role_groups_sync

    role_groups_sync()
