"""Settings for running the portal on a laptop (the README's first command)."""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import env

DEBUG = env("DJANGO_DEBUG", "True") in ("True", "true", "1")
SECRET_KEY = env("DJANGO_SECRET_KEY") or "local-development-only-not-secret"  # noqa: S105
# Serve static files straight from static/ (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
