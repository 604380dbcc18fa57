"""Dashboard, force-area overview, downloads and uploads."""

urlpatterns: list = []
