"""What the quarterly return pages share: loading a return the person may see, the
context every return page needs (which buttons to show), and the pages' addresses.

The pages themselves are in returns_read (list, the return, versions), returns_fill
(start, task list, one page per priority, live RAG preview, submit) and returns_sign_off
(sign off, query). Views parse the request, call one service or selector and render; the
rules live in performance.permissions and performance.services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts.roles import Capability
from csp_portal.lib.access import access_for, get_object_for_user, require
from performance import selectors
from performance.models import PerformanceReturn, ReturnSection
from performance.permissions import (
    can_approve_return,
    can_edit_return,
    can_query_return,
    can_send_back_return,
    can_submit_return,
    can_view_return,
)


def get_return(
    request: HttpRequest,
    partnership: str,
    code: Any,
    capability: str | None = None,
    *,
    people: bool = True,
) -> PerformanceReturn:
    """The return, if the person may see it: 404 without standing in the partnership,
    403 for a draft they may not see or a capability they lack."""
    ret = get_object_for_user(
        request,
        selectors.return_queryset().filter(partnership__slug=partnership),
        Capability.VIEW_PUBLISHED,
        code=code,
    )
    can_view_return(request.user, ret).raise_if_denied()
    if people:
        selectors.attach_people(ret)
    if capability:
        require(request.user, capability, ret.partnership)
    return ret


def return_context(request: HttpRequest, ret: PerformanceReturn, **extra: Any) -> dict[str, Any]:
    user = request.user
    access = access_for(user)
    return {
        "partnership": ret.partnership,
        "capabilities": access.capabilities(ret.partnership),
        "ret": ret,
        "can_edit": can_edit_return(user, ret).allowed,
        "can_submit": can_submit_return(user, ret).allowed,
        "can_approve": can_approve_return(user, ret),
        "can_send_back": can_send_back_return(user, ret).allowed,
        "can_query": can_query_return(user, ret).allowed,
        "can_see_versions": access.has(Capability.VIEW_WORKING_PAPERS, ret.partnership),
        **extra,
    }


def detail_url(ret: PerformanceReturn) -> str:
    return reverse(
        "performance:return_detail", kwargs={"partnership": ret.partnership.slug, "code": ret.code}
    )


def tasks_url(ret: PerformanceReturn) -> str:
    return reverse(
        "performance:return_tasks", kwargs={"partnership": ret.partnership.slug, "code": ret.code}
    )


def section_url(ret: PerformanceReturn, section: ReturnSection | str) -> str:
    """The form of a section (or of the section with this priority code)."""
    return reverse(
        "performance:return_section",
        kwargs={
            "partnership": ret.partnership.slug,
            "code": ret.code,
            "priority": section if isinstance(section, str) else section.priority.code,
        },
    )


def not_editable(request: HttpRequest, ret: PerformanceReturn) -> HttpResponse | None:
    """Send people to the read view, with the reason, once a return is no longer a draft."""
    decision = can_edit_return(request.user, ret)
    if decision.allowed:
        return None
    messages.info(request, decision.reason)
    return redirect(detail_url(ret))
