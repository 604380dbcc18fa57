"""Signing off a return (approve, or send it back with comments) and the PCC office's
query that reopens an approved return."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.roles import Capability
from csp_portal.lib.forms import apply_validation_error
from performance import selectors
from performance.forms import QueryForm, SignOffForm
from performance.permissions import (
    can_approve_return,
    can_query_return,
    can_send_back_return,
    can_view_return,
)
from performance.services import (
    performance_return_approve,
    performance_return_query,
    performance_return_send_back,
)
from performance.views.returns_common import detail_url, get_return, return_context


@require_http_methods(["GET", "POST"])
def return_sign_off(request: HttpRequest, partnership: str, code: Any) -> HttpResponse:
    ret = get_return(request, partnership, code, Capability.SIGN_OFF)
    send_back = can_send_back_return(request.user, ret)
    if not send_back:
        messages.info(request, send_back.reason)
        return redirect(detail_url(ret))
    approve = can_approve_return(request.user, ret)
    form = SignOffForm(request.POST or None, cannot_approve=approve.reason)
    if request.method == "POST" and form.is_valid():
        comment = form.cleaned_data["comment"]
        try:
            if form.cleaned_data["decision"] == SignOffForm.APPROVE:
                performance_return_approve(performance_return=ret, by=request.user, comment=comment)
                done = f"You have approved the {ret.period.label} return."
            else:
                performance_return_send_back(
                    performance_return=ret, by=request.user, comment=comment
                )
                done = f"You have returned the {ret.period.label} return to the officers with your comments."
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect(detail_url(ret))
    sections = selectors.return_sections(performance_return=ret)
    return render(
        request,
        "performance/returns/sign_off.html",
        return_context(request, ret, form=form, sections=sections, approve=approve),
    )


@require_http_methods(["GET", "POST"])
def return_query(request: HttpRequest, partnership: str, code: Any) -> HttpResponse:
    ret = get_return(request, partnership, code, Capability.QUERY_RETURNS)
    decision = can_query_return(request.user, ret)
    if not decision:
        messages.info(request, decision.reason)
        return redirect(detail_url(ret))
    form = QueryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ret = performance_return_query(
                performance_return=ret, by=request.user, comment=form.cleaned_data["comment"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Your query has been sent. The {ret.period.label} return is open again for "
                f"{ret.partnership.name} to answer it.",
            )
            # Reopened, the return is a working paper again: people who read only published
            # returns see it once it has been signed off again.
            if can_view_return(request.user, ret):
                return redirect(detail_url(ret))
            return redirect(
                reverse("performance:return_list", kwargs={"partnership": ret.partnership.slug})
            )
    return render(
        request, "performance/returns/query.html", return_context(request, ret, form=form)
    )
