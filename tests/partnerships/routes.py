from django.urls import reverse

from tests.matrix import HOME_MEMBERS, Route, everyone, partnership_page

ROUTES = [
    Route("partnerships:directory", lambda w: reverse("partnerships:directory"), everyone()),
    Route(
        "partnerships:detail",
        lambda w: reverse("partnerships:detail", kwargs={"partnership": w.home.slug}),
        partnership_page(HOME_MEMBERS),
    ),
    Route(
        "partnerships:history",
        lambda w: reverse("partnerships:history", kwargs={"partnership": w.home.slug}),
        partnership_page({"manager"}),
    ),
]
