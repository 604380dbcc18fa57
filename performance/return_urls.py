"""Returns: list, start, read, fill in, submit, sign off, query, versions.

Every page is under /p/<partnership>/performance/returns/; a return is addressed by its
code (a UUID) and a section by its priority's code in the plan ("A", "1").
"""

from django.urls import path

from performance.views import returns as views

_RETURN = "p/<slug:partnership>/performance/returns/<uuid:code>/"

urlpatterns = [
    path("p/<slug:partnership>/performance/returns/", views.return_list, name="return_list"),
    path(
        "p/<slug:partnership>/performance/returns/start/",
        views.return_start,
        name="return_start",
    ),
    path(_RETURN, views.return_detail, name="return_detail"),
    path(f"{_RETURN}fill-in/", views.return_tasks, name="return_tasks"),
    path(f"{_RETURN}fill-in/<str:priority>/", views.return_section, name="return_section"),
    path(
        f"{_RETURN}fill-in/<str:priority>/rag-preview/",
        views.return_section_preview,
        name="return_section_preview",
    ),
    path(f"{_RETURN}submit/", views.return_submit, name="return_submit"),
    path(f"{_RETURN}submitted/", views.return_submitted, name="return_submitted"),
    path(f"{_RETURN}sign-off/", views.return_sign_off, name="return_sign_off"),
    path(f"{_RETURN}query/", views.return_query, name="return_query"),
    path(f"{_RETURN}versions/", views.return_versions, name="return_versions"),
    path(f"{_RETURN}versions/compare/", views.return_compare, name="return_compare"),
]
