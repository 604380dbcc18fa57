from django.urls import reverse

from tests.matrix import LOGIN, Route, everyone, partnership_page

MANAGERS = {"manager"}


def _viewer_grant_code(w):
    return w.person("viewer").role_grants.get().code


ROUTES = [
    Route(
        "accounts:sign_in", lambda w: reverse("accounts:sign_in"), everyone(LOGIN, anonymous=200)
    ),
    Route(
        "accounts:sign_out",
        lambda w: reverse("accounts:sign_out"),
        everyone(LOGIN, anonymous=LOGIN),
        method="POST",
    ),
    Route("accounts:account", lambda w: reverse("accounts:account"), everyone()),
    Route(
        "accounts:api_token_create",
        lambda w: reverse("accounts:api_token_create"),
        everyone(302),
        method="POST",
    ),
    Route(
        "accounts:api_token_revoke",
        lambda w: reverse("accounts:api_token_revoke"),
        everyone(302),
        method="POST",
    ),
    Route("accounts:password_change", lambda w: reverse("accounts:password_change"), everyone()),
    Route(
        "accounts:password_change_done",
        lambda w: reverse("accounts:password_change_done"),
        everyone(),
    ),
    Route(
        "accounts:password_reset",
        lambda w: reverse("accounts:password_reset"),
        everyone(anonymous=200),
    ),
    Route(
        "accounts:password_reset_done",
        lambda w: reverse("accounts:password_reset_done"),
        everyone(anonymous=200),
    ),
    Route(
        "accounts:password_reset_confirm",
        lambda w: reverse(
            "accounts:password_reset_confirm", kwargs={"uidb64": "MQ", "token": "bad-token"}
        ),
        everyone(anonymous=200),
        note="an invalid link shows the 'link has expired' page to anyone",
    ),
    Route(
        "accounts:password_reset_complete",
        lambda w: reverse("accounts:password_reset_complete"),
        everyone(anonymous=200),
    ),
    Route(
        "people:list",
        lambda w: reverse("people:list", kwargs={"partnership": w.home.slug}),
        partnership_page(MANAGERS),
    ),
    Route(
        "people:list",
        lambda w: reverse("people:list", kwargs={"partnership": w.home.slug}),
        partnership_page(MANAGERS),
        method="POST",
        data=lambda w: {"email": "", "role": ""},
        note="an empty grant form: managers see the errors, nobody else gets that far",
    ),
    Route(
        "people:revoke",
        lambda w: reverse(
            "people:revoke", kwargs={"partnership": w.home.slug, "code": _viewer_grant_code(w)}
        ),
        partnership_page(MANAGERS),
    ),
    Route(
        "people:revoke",
        lambda w: reverse(
            "people:revoke", kwargs={"partnership": w.home.slug, "code": _viewer_grant_code(w)}
        ),
        partnership_page(MANAGERS, ok=302),
        method="POST",
    ),
]
