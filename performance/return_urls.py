"""Returns: list, start, read, fill in, submit, sign off, query, versions.

Every page is under /p/<partnership>/performance/returns/; a return is addressed by its
code (a UUID) and a section by its priority's code in the plan ("A", "1").
"""

from django.urls import path

from performance.views import returns_fill as fill
from performance.views import returns_read as read
from performance.views import returns_sign_off as sign_off

_RETURN = "p/<slug:partnership>/performance/returns/<uuid:code>/"

urlpatterns = [
    path("p/<slug:partnership>/performance/returns/", read.return_list, name="return_list"),
    path(
        "p/<slug:partnership>/performance/returns/start/",
        fill.return_start,
        name="return_start",
    ),
    path(_RETURN, read.return_detail, name="return_detail"),
    path(f"{_RETURN}fill-in/", fill.return_tasks, name="return_tasks"),
    path(f"{_RETURN}fill-in/<str:priority>/", fill.return_section, name="return_section"),
    path(
        f"{_RETURN}fill-in/<str:priority>/rag-preview/",
        fill.return_section_preview,
        name="return_section_preview",
    ),
    path(f"{_RETURN}submit/", fill.return_submit, name="return_submit"),
    path(f"{_RETURN}submitted/", fill.return_submitted, name="return_submitted"),
    path(f"{_RETURN}sign-off/", sign_off.return_sign_off, name="return_sign_off"),
    path(f"{_RETURN}query/", sign_off.return_query, name="return_query"),
    path(f"{_RETURN}versions/", read.return_versions, name="return_versions"),
    path(f"{_RETURN}versions/compare/", read.return_compare, name="return_compare"),
]
