"""/partnerships/ (the directory) and /p/<partnership>/ (one partnership's pages).

Other apps add their partnership pages under /p/<partnership>/ here, each with its own
namespace, so every partnership URL starts the same way."""

from django.urls import include, path

from partnerships import views

app_name = "partnerships"

partnership_urls = [
    path("", views.detail, name="detail"),
    path("history/", views.history, name="history"),
]

urlpatterns = [
    path("partnerships/", views.directory, name="directory"),
    path("p/<slug:partnership>/", include(partnership_urls)),
]
