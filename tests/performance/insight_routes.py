"""Permission matrix: the dashboard, the force-area overview, downloads, the upload, and
the returns API (performance/insight_urls.py and performance/api.py)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from performance.models import MeasureValue, PerformanceReturn
from tests.conftest import PERSONAS
from tests.matrix import HOME_MEMBERS, LOGIN, Route, api_endpoint, everyone, partnership_page

READERS_OF_DRAFTS = {"viewer", "officer", "manager"}
CONTRIBUTORS = {"officer", "manager"}


def _returns(w):
    """home: an approved Q1 return and a draft Q2 return (one priority, one measure)."""
    from tests.performance.builders import adopted_plan
    from tests.performance.insight_builders import make_return

    adopted_plan(w.home, priorities=1, measures=1)
    make_return(w.home, quarter=1, state="approved")
    make_return(w.home, quarter=2, state="draft")


def _ret(w, quarter):
    return PerformanceReturn.objects.get(partnership=w.home, period__quarter=quarter)


def _return_url(name, quarter, **kwargs):
    def url(w):
        return reverse(
            f"performance:{name}",
            kwargs={"partnership": w.home.slug, "code": _ret(w, quarter).code, **kwargs},
        )

    return url


def _measure_value_url(w):
    mv = MeasureValue.objects.select_related("measure").get(section__performance_return=_ret(w, 2))
    return reverse(
        "api:return-measure-value", kwargs={"code": _ret(w, 2).code, "measure": mv.measure.lineage}
    )


def _upload_file(w):
    content = (
        "Priority,Measure code,Value for the quarter,Year to date,National comparator,Note,"
        "No data available (yes or no),Why there is no data\r\nA,(i),95,,,,no,\r\n"
    )
    return {"file": SimpleUploadedFile("values.csv", content.encode())}


def _nobody(*, outsider=404, anonymous=LOGIN, status=403):
    """Nobody may: members get ``status``, outsiders 404 (site admins too get ``status``)."""
    result = partnership_page(set(), denied=status, outsider=outsider, anonymous=anonymous)
    result["site_admin"] = status
    return result


def _overview(ok=200, chooser=False):
    result = everyone(403)
    result["anonymous"] = LOGIN
    result["pcc_reviewer"] = 302 if chooser else ok
    result["site_admin"] = 200 if chooser else ok
    if chooser:
        # Another force area's reviewer is taken to their own area's overview.
        result["other_area_pcc"] = 302
    return result


assert set(_overview()) == set(PERSONAS)

ROUTES = [
    Route(
        "performance:dashboard",
        lambda w: reverse("performance:dashboard", kwargs={"partnership": w.home.slug}),
        partnership_page(HOME_MEMBERS),
        setup=_returns,
    ),
    Route(
        "performance:return_download",
        _return_url("return_download", 2, fmt="csv"),
        partnership_page(READERS_OF_DRAFTS),
        setup=_returns,
        note="a draft: only the partnership's own readers of working papers",
        id_suffix=" (draft, csv)",
    ),
    Route(
        "performance:return_download",
        _return_url("return_download", 1, fmt="xlsx"),
        partnership_page(HOME_MEMBERS),
        setup=_returns,
        note="an approved return: everyone who reads published material",
        id_suffix=" (approved, xlsx)",
    ),
    Route(
        "performance:return_upload",
        _return_url("return_upload", 2),
        partnership_page(CONTRIBUTORS),
        setup=_returns,
        id_suffix=" (draft)",
    ),
    Route(
        "performance:return_upload",
        _return_url("return_upload", 2),
        partnership_page(CONTRIBUTORS, ok=302),
        method="POST",
        data=_upload_file,
        setup=_returns,
        note="a valid file: applied, then back to the upload page",
        id_suffix=" (draft)",
    ),
    Route(
        "performance:return_upload",
        _return_url("return_upload", 1),
        _nobody(),
        setup=_returns,
        note="an approved return is frozen: nobody uploads to it",
        id_suffix=" (approved)",
    ),
    Route(
        "performance:return_upload",
        _return_url("return_upload", 1),
        _nobody(),
        method="POST",
        data=_upload_file,
        setup=_returns,
        id_suffix=" (approved)",
    ),
    Route(
        "performance:return_upload_template",
        _return_url("return_upload_template", 2, fmt="xlsx"),
        partnership_page(CONTRIBUTORS),
        setup=_returns,
    ),
    Route(
        "performance:force_areas",
        lambda w: reverse("performance:force_areas"),
        _overview(chooser=True),
        note="one force area: straight to its overview; site admins choose",
    ),
    Route(
        "performance:overview",
        lambda w: reverse("performance:overview", kwargs={"force_area": w.area.slug}),
        _overview(),
        setup=_returns,
        note="force areas are public, so people without the overview get 403, not 404",
    ),
    Route(
        "performance:overview_download",
        lambda w: reverse(
            "performance:overview_download", kwargs={"force_area": w.area.slug, "fmt": "csv"}
        ),
        _overview(),
        setup=_returns,
    ),
    Route(
        "api:return-list",
        lambda w: reverse("api:return-list"),
        everyone(200, anonymous=401),
        setup=_returns,
        note="everyone signed in: the list holds only what they may see",
    ),
    Route(
        "api:return-detail",
        lambda w: reverse("api:return-detail", kwargs={"code": _ret(w, 2).code}),
        api_endpoint(READERS_OF_DRAFTS),
        setup=_returns,
        id_suffix=" (draft)",
    ),
    Route(
        "api:return-detail",
        lambda w: reverse("api:return-detail", kwargs={"code": _ret(w, 1).code}),
        api_endpoint(HOME_MEMBERS),
        setup=_returns,
        id_suffix=" (approved)",
    ),
    Route(
        "api:return-measure-values",
        lambda w: reverse("api:return-measure-values", kwargs={"code": _ret(w, 2).code}),
        api_endpoint(READERS_OF_DRAFTS),
        setup=_returns,
    ),
    Route(
        "api:return-measure-value",
        _measure_value_url,
        api_endpoint(READERS_OF_DRAFTS),
        setup=_returns,
    ),
    Route(
        "api:return-measure-value",
        _measure_value_url,
        api_endpoint(CONTRIBUTORS),
        method="PATCH",
        data=lambda w: {"value": "95"},
        content_type="application/json",
        setup=_returns,
        note="readers of drafts without CONTRIBUTE may see the value but not change it",
    ),
]
