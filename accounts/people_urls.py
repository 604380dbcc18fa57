"""/p/<partnership>/people/: who holds which role in a partnership."""

from django.urls import path

from accounts import views

app_name = "people"

urlpatterns = [
    path("", views.people, name="list"),
    path("<uuid:code>/revoke/", views.revoke, name="revoke"),
]
