"""How a return's status and a RAG colour are written for people: words first, colour as a
second cue (docs/conventions.md). One table for the list, the return page, the dashboard, the
overview and the downloads, so a return is "Queried" or "Awaiting sign-off" everywhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

from csp_portal.templatetags.portal import rag_words_and_colour

if TYPE_CHECKING:
    from performance.models import PerformanceReturn

# Submission status, as shown in tags: key -> (words, tag colour).
NOT_STARTED = "not_started"
DRAFT = "draft"
SUBMITTED = "submitted"
APPROVED = "approved"
QUERIED = "queried"
STATUSES: dict[str, tuple[str, str]] = {
    NOT_STARTED: ("Not started", "grey"),
    DRAFT: ("Draft", "blue"),
    SUBMITTED: ("Awaiting sign-off", "yellow"),
    APPROVED: ("Approved", "green"),
    QUERIED: ("Queried", "purple"),
}
# The order the overview sorts statuses in: least far along first.
STATUS_ORDER = [NOT_STARTED, DRAFT, QUERIED, SUBMITTED, APPROVED]


def return_status(ret: PerformanceReturn | None) -> str:
    """The status key of a partnership's return for a quarter (None: not started). A
    draft reopened by a PCC query is "queried" (PerformanceReturn.is_queried)."""
    if ret is None:
        return NOT_STARTED
    if ret.is_queried:
        return QUERIED
    return ret.status


def status_tag(ret: PerformanceReturn | None) -> tuple[str, str]:
    """(words, colour) of a return's status."""
    return STATUSES[return_status(ret)]


def rag_tag(rag: str | None) -> tuple[str, str]:
    """(words, colour) for a RAG value; "Not rated" when there is none."""
    return rag_words_and_colour(rag)


def rag_words(rag: str | None) -> str:
    return rag_tag(rag)[0]
