"""csp_portal.lib.forms.apply_validation_error and csp_portal.lib.views.form_action: a
service's ValidationError next to the field it names, and the skeleton of a page that
changes something through a service."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.test import RequestFactory

from csp_portal.lib.forms import GovukFormMixin, apply_validation_error
from csp_portal.lib.views import form_action


class TitleForm(GovukFormMixin, forms.Form):
    title = forms.CharField(label="Title")
    summary = forms.CharField(label="Summary", required=False)


def _valid_form(data=None) -> TitleForm:
    form = TitleForm(data or {"title": "A plan", "summary": "Typed"})
    assert form.is_valid()
    return form


def test_a_message_about_a_field_goes_next_to_that_field():
    form = _valid_form()
    apply_validation_error(form, ValidationError({"title": ["Too like another title"]}))
    assert form.errors["title"] == ["Too like another title"]
    assert "title" not in form.cleaned_data
    assert form.non_field_errors() == []


def test_messages_about_no_field_of_the_form_go_to_the_top():
    form = _valid_form()
    apply_validation_error(
        form,
        ValidationError(
            {
                NON_FIELD_ERRORS: ["The plan is no longer a draft"],
                "first_year": ["A model field the form does not have"],
                "summary": ["Too long", "Has a link"],
            }
        ),
    )
    assert form.non_field_errors() == [
        "The plan is no longer a draft",
        "A model field the form does not have",
    ]
    assert form.errors["summary"] == ["Too long", "Has a link"]


def test_a_validation_error_without_fields_goes_to_the_top():
    form = _valid_form()
    apply_validation_error(form, ValidationError("Add at least one priority"))
    apply_validation_error(form, ValidationError(["First", "Second"]))
    assert form.non_field_errors() == ["Add at least one priority", "First", "Second"]
    assert "title" not in form.errors


# form_action ----------------------------------------------------------------------------


def _request(method: str, data=None):
    factory = RequestFactory()
    request = factory.post("/", data or {}) if method == "POST" else factory.get("/")
    request._messages = CookieStorage(request)
    request.user = AnonymousUser()
    return request


def _action(request, form, service):
    return form_action(
        request,
        form=form,
        service=service,
        success_message=lambda result: f"Saved {result}.",
        success_url=lambda result: f"/done/{result}/",
        template="components/error_summary.html",
        context={"forms": form},
    )


def test_a_get_shows_the_form_and_calls_nothing():
    calls = []
    response = _action(_request("GET"), TitleForm(None), lambda: calls.append(1))
    assert response.status_code == 200
    assert calls == []


def test_a_valid_post_calls_the_service_once_then_says_so_and_redirects():
    calls = []
    request = _request("POST", {"title": "A plan"})
    form = TitleForm(request.POST)

    def service() -> str:
        calls.append(form.cleaned_data["title"])
        return "plan-1"

    response = _action(request, form, service)
    assert calls == ["A plan"]
    assert response.status_code == 302
    assert response["Location"] == "/done/plan-1/"
    assert [m.message for m in get_messages(request)] == ["Saved plan-1."]


def test_a_service_refusal_shows_the_page_again_with_the_reason_and_what_was_typed():
    request = _request("POST", {"title": "A plan", "summary": "Typed"})
    form = TitleForm(request.POST)

    def service():
        raise ValidationError({"title": "That title is taken"})

    response = _action(request, form, service)
    assert response.status_code == 200
    assert "That title is taken" in response.content.decode()
    assert form.errors["title"] == ["That title is taken"]
    assert form["summary"].value() == "Typed"
    assert list(get_messages(request)) == []


def test_an_invalid_form_never_reaches_the_service():
    calls = []
    request = _request("POST", {"title": ""})
    response = _action(request, TitleForm(request.POST), lambda: calls.append(1))
    assert response.status_code == 200
    assert calls == []


def test_the_message_and_address_may_be_plain_strings():
    request = _request("POST", {"title": "A plan"})
    response = form_action(
        request,
        form=TitleForm(request.POST),
        service=lambda: None,
        success_message="Deleted.",
        success_url="/plans/",
        template="components/error_summary.html",
        context={},
    )
    assert response["Location"] == "/plans/"
    assert [m.message for m in get_messages(request)] == ["Deleted."]
