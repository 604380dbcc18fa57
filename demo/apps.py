from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data and its commands (seed_demo, demo_logins): no models, no URLs."""

    name = "demo"
    verbose_name = "Demo data"
