"""Generated documents of a partnership, under /p/<partnership>/documents/."""

from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("<uuid:code>/download/", views.download, name="download"),
]
