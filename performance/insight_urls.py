"""Dashboard, force-area overview, downloads and uploads."""

from django.urls import path, register_converter

from performance.views import dashboards, exchange


class FileFormatConverter:
    """The download formats: csv or xlsx."""

    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FileFormatConverter, "fileformat")

RETURN = "p/<slug:partnership>/performance/returns/<uuid:code>/"

urlpatterns = [
    path("p/<slug:partnership>/performance/", dashboards.dashboard, name="dashboard"),
    path(RETURN + "download.<fileformat:fmt>", exchange.return_download, name="return_download"),
    path(RETURN + "upload/", exchange.upload, name="return_upload"),
    path(
        RETURN + "upload/template.<fileformat:fmt>",
        exchange.upload_template,
        name="return_upload_template",
    ),
    path("force-areas/", dashboards.force_areas, name="force_areas"),
    path("force-areas/<slug:force_area>/returns/", dashboards.overview, name="overview"),
    path(
        "force-areas/<slug:force_area>/returns/download.<fileformat:fmt>",
        dashboards.overview_download,
        name="overview_download",
    ),
]
