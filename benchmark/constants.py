"""Shared by the data builder and the runner (which must not import Django models)."""

PASSWORD = "benchmark-password-not-secret"  # noqa: S105 (synthetic benchmark users only)
SLUG_PREFIX = "bench-"
