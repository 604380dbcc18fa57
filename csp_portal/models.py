"""The csp_portal app's own tables (Django looks for them here): the task outbox."""

from __future__ import annotations

from csp_portal.lib.outbox import OutboxMessage

__all__ = ["OutboxMessage"]
