"""A second URLconf, for the test that the layout's cached links follow ROOT_URLCONF."""

from django.http import HttpResponse
from django.urls import path

urlpatterns = [
    path("elsewhere/accessibility/", lambda request: HttpResponse(), name="accessibility")
]
