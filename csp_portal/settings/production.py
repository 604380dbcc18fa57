"""Production hardening. Everything here is checked by ``manage.py check --deploy``
(tests/test_deploy_settings.py runs it)."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env, envbool, envint

DEBUG = False
if not SECRET_KEY or len(SECRET_KEY) < 50:  # noqa: F405
    raise ImproperlyConfigured(
        "Set DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) to 50+ random characters"
    )

SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", "True")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = envint("DJANGO_SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

# collectstatic writes here (the Docker image does it at build time); WhiteNoise serves it.
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT") or STATIC_ROOT)  # noqa: F405
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
ADMINS = [("CSP Portal operations", a) for a in envlist("DJANGO_ADMINS", "")]  # noqa: F405
