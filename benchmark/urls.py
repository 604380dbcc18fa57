"""The portal's URLs plus the benchmark's trivial view (ROOT_URLCONF of benchmark.settings).

The trivial view is not part of the portal, so csp_portal/urls.py does not have it."""

from django.urls import include, path

from benchmark import views

urlpatterns = [
    path("benchmark/trivial/", views.trivial, name="trivial"),
    path("", include("csp_portal.urls")),
]
