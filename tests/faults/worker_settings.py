"""Settings for a fault test's worker: the test settings, with

- e-mail written to files in CSP_TEST_EMAIL_DIR (when set) so the test, another process,
  can read what the worker sent;
- Redis's sweep for unacknowledged messages every second instead of every ~100 s, so a
  message whose worker was killed comes back as soon as the visibility timeout
  (CSP_CELERY_VISIBILITY_TIMEOUT, read by base.py) has passed.
"""

from __future__ import annotations

import os

from csp_portal.settings.test import *  # noqa: F403

if os.environ.get("CSP_TEST_EMAIL_DIR"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["CSP_TEST_EMAIL_DIR"]
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
