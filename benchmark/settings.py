"""Production settings, as the portal runs for real, plus the benchmark app. Served over
plain HTTP on 127.0.0.1, so the HTTPS redirect and secure-only cookies are off."""

from __future__ import annotations

import os
import warnings

os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-" + "x" * 50)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "False")

from csp_portal.settings.production import *  # noqa: E402, F403

INSTALLED_APPS = [*INSTALLED_APPS, "benchmark"]  # noqa: F405
# The portal's URLs plus the trivial view the pages are measured beside.
ROOT_URLCONF = "benchmark.urls"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"
SECURE_HSTS_SECONDS = 0
# Static files come from the build folder without collectstatic.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}  # noqa: F405
WHITENOISE_USE_FINDERS = True
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
# WhiteNoise warns that STATIC_ROOT has not been collected: the finders serve static/.
warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers.base")
