"""Root URLs. Partnership pages live under /p/<partnership>/ (see each app's urls.py)."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from csp_portal import views

admin.site.site_header = "CSP Portal administration"
admin.site.site_title = "CSP Portal administration"

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("health.json", views.health_json, name="health_json"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("accounts/", include("accounts.urls")),
    path("", include("partnerships.urls")),
    path("p/<slug:partnership>/people/", include("accounts.people_urls")),
    path("", include("priorities.urls")),
    path("", include("performance.urls")),
    path("p/<slug:partnership>/documents/", include("documents.urls")),
    path("api/v1/", include("csp_portal.api_router")),
    path(
        "api/v1/schema/",
        login_not_required(SpectacularAPIView.as_view()),
        name="api_schema",
    ),
    path("admin/", admin.site.urls),
]

# JSON under /api/, GOV.UK pages elsewhere (csp_portal.lib.errors).
handler400 = "csp_portal.views.bad_request"
handler403 = "csp_portal.views.permission_denied"
handler404 = "csp_portal.views.page_not_found"
handler500 = "csp_portal.views.server_error"
