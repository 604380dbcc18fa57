"""The skeleton of a page that changes something through a service.

A view finds its object and checks the rule (through the access helper and its app's
``permissions.py``), builds its form, and hands the rest to ``form_action``: on a valid
POST it calls the service; a ``ValidationError`` from the service is shown next to the
field it names (``apply_validation_error``) and the page is shown again with what was
typed; otherwise a success message and a redirect. A GET, or a POST with errors,
renders the template with the form.

    return form_action(
        request,
        form=form,
        service=lambda: services.priority_create(plan=plan, data=form.cleaned_data, by=user),
        success_message=lambda priority: f"Priority {priority.code} has been added.",
        success_url=lambda priority: priority_url(priority),
        template="priorities/priority_form.html",
        context={"plan": plan, "heading": "Add a priority"},
    )

The message and the address may be plain strings, or functions of what the service
returned (the object it created, say).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from csp_portal.lib.forms import apply_validation_error

T = TypeVar("T")


def form_action(
    request: HttpRequest,
    *,
    form: forms.BaseForm,
    service: Callable[[], T],
    success_message: str | Callable[[T], str],
    success_url: str | Callable[[T], str],
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            result = service()
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            message = success_message(result) if callable(success_message) else success_message
            messages.success(request, message)
            return redirect(success_url(result) if callable(success_url) else success_url)
    return render(request, template, {**context, "form": form})
