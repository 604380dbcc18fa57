"""Routes that belong to the service as a whole (csp_portal/urls.py)."""

from django.urls import reverse

from tests.matrix import LOGIN, Route, everyone

ROUTES = [
    Route("home", lambda w: reverse("home"), everyone()),
    Route("health", lambda w: reverse("health"), everyone(anonymous=200)),
    Route("health_json", lambda w: reverse("health_json"), everyone(anonymous=200)),
    Route("accessibility", lambda w: reverse("accessibility"), everyone(anonymous=200)),
    Route("api_schema", lambda w: reverse("api_schema"), everyone(anonymous=200)),
    Route("api:api-root", lambda w: reverse("api:api-root"), everyone(anonymous=401)),
    Route(
        "admin:index",
        lambda w: reverse("admin:index"),
        {**everyone(LOGIN), "site_admin": 200},
        note="every admin/ URL is for site administrators only; the index stands for them all",
    ),
]
