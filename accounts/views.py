"""Signing in and out, the person's own account, and a partnership's people and roles."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from accounts import forms
from accounts.models import RoleGrant
from accounts.permissions import can_grant_role, can_revoke_grant
from accounts.roles import PARTNERSHIP_ROLES, Capability
from accounts.selectors import (
    force_area_grants_reaching,
    role_grants_for_partnership,
    role_grants_for_user,
)
from accounts.services import role_grant_revoke, role_grant_to_email
from csp_portal.lib.access import access_for, get_partnership_for_user
from csp_portal.lib.forms import apply_validation_error


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    form_class = forms.SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


def account(request: HttpRequest) -> HttpResponse:
    token = Token.objects.filter(user=request.user).first()
    new_token = request.session.pop("new_api_token", None)
    return render(
        request,
        "accounts/account.html",
        {"grants": role_grants_for_user(user=request.user), "token": token, "new_token": new_token},
    )


@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    Token.objects.filter(user=request.user).delete()
    token = Token.objects.create(user=request.user)
    # Shown once, on the next page, and never again.
    request.session["new_api_token"] = token.key
    messages.success(
        request, "Your new API token is shown below. Copy it now: it will not be shown again."
    )
    return redirect("accounts:account")


@require_POST
def api_token_revoke(request: HttpRequest) -> HttpResponse:
    Token.objects.filter(user=request.user).delete()
    messages.success(request, "Your API token has been revoked.")
    return redirect("accounts:account")


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = forms.PortalPasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = forms.PortalPasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "emails/password_reset-body.txt"
    html_email_template_name = "emails/password_reset-body.html"
    subject_template_name = "emails/password_reset-subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


@method_decorator(login_not_required, name="dispatch")
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = forms.PortalSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


@method_decorator(login_not_required, name="dispatch")
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# A partnership's people -------------------------------------------------------------


def _grantable_roles(request: HttpRequest, partnership) -> list[str]:
    return [
        r
        for r in PARTNERSHIP_ROLES
        if can_grant_role(request.user, role=r, partnership=partnership)
    ]


def people(request: HttpRequest, partnership: str) -> HttpResponse:
    partnership_obj = get_partnership_for_user(request, partnership, Capability.MANAGE_ROLES)
    grantable = _grantable_roles(request, partnership_obj)
    form = forms.GrantRoleForm(request.POST or None, grantable_roles=grantable)
    if request.method == "POST" and form.is_valid():
        try:
            grant, invited = role_grant_to_email(
                partnership=partnership_obj,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            note = " We have emailed them a link to set a password." if invited else ""
            messages.success(
                request,
                f"{grant.user.name} is now {grant.role_in_sentence} for {partnership_obj.name}.{note}",
            )
            return redirect("people:list", partnership=partnership_obj.slug)
    grants = role_grants_for_partnership(partnership=partnership_obj)
    return render(
        request,
        "accounts/people.html",
        {
            "partnership": partnership_obj,
            "capabilities": access_for(request.user).capabilities(partnership_obj),
            "grants": [(g, can_revoke_grant(request.user, g)) for g in grants],
            "area_grants": force_area_grants_reaching(partnership=partnership_obj),
            "form": form,
        },
    )


def revoke(request: HttpRequest, partnership: str, code) -> HttpResponse:
    partnership_obj = get_partnership_for_user(request, partnership, Capability.MANAGE_ROLES)
    try:
        grant = RoleGrant.objects.select_related("user").get(code=code, partnership=partnership_obj)
    except RoleGrant.DoesNotExist:
        raise Http404 from None
    decision = can_revoke_grant(request.user, grant)
    decision.raise_if_denied()
    if not grant.is_active:
        messages.info(request, "That role had already been removed.")
        return redirect("people:list", partnership=partnership_obj.slug)
    if request.method == "POST":
        role_grant_revoke(grant=grant, by=request.user)
        messages.success(
            request,
            f"{grant.user.name} is no longer {grant.role_in_sentence} for {partnership_obj.name}.",
        )
        return redirect("people:list", partnership=partnership_obj.slug)
    return render(
        request,
        "accounts/revoke_confirm.html",
        {
            "partnership": partnership_obj,
            "capabilities": access_for(request.user).capabilities(partnership_obj),
            "grant": grant,
            "cancel_url": reverse("people:list", kwargs={"partnership": partnership_obj.slug}),
        },
    )
