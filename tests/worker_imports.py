"""Modules the test Celery worker (tests/worker.py) imports besides the apps' tasks:
test-only registrations the worker must know, such as the test document kinds."""

import tests.documents.kinds  # noqa: F401
