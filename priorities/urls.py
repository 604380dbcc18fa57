"""/p/<partnership>/plan…: the partnership's plan, priorities, actions and measures."""

from django.urls import path  # noqa: F401  (the plan pages add their routes here)

app_name = "plans"

urlpatterns: list = []
