"""Settings for a fault test's worker: the test settings, with e-mail written to files in
CSP_TEST_EMAIL_DIR so the test (another process) can read what the worker sent."""

from __future__ import annotations

import os

from csp_portal.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["CSP_TEST_EMAIL_DIR"]
