from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.utils.translation import gettext_lazy as _

from accounts.roles import ROLE_DESCRIPTIONS, Role
from csp_portal.lib.forms import GovukFormMixin


class SignInForm(GovukFormMixin, AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.org"),
        },
    )
    error_messages = {
        "invalid_login": _(
            "Enter a correct email address and password. Both are case-sensitive apart from the email address."
        ),
        "inactive": _("This account has been closed. Contact your partnership manager."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].error_messages["required"] = _("Enter your password")

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class PortalPasswordChangeForm(GovukFormMixin, PasswordChangeForm):
    pass


class PortalPasswordResetForm(GovukFormMixin, PasswordResetForm):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={"required": _("Enter your email address")},
    )

    def get_users(self, email: str):
        """Active accounts with this email address, including people a manager invited
        who have not set a password yet (Django leaves those out): the invitation tells
        them to come here if its link has expired."""
        return get_user_model()._default_manager.filter(email__iexact=email, is_active=True)


class PortalSetPasswordForm(GovukFormMixin, SetPasswordForm):
    pass


class GrantRoleForm(GovukFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        error_messages={
            "required": _("Enter the person's email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.org"),
        },
        widget=forms.EmailInput(attrs={"class": "govuk-!-width-two-thirds"}),
    )
    name = forms.CharField(
        label=_("Full name"),
        required=False,
        max_length=150,
        help_text=_(
            "Only needed if they do not have an account yet. We will email them a link to set a password."
        ),
        widget=forms.TextInput(attrs={"class": "govuk-!-width-two-thirds", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Select a role")},
    )

    def __init__(self, *args, grantable_roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            (r, f"{Role(r).label}: {ROLE_DESCRIPTIONS[r]}") for r in grantable_roles
        ]

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()
