"""GOV.UK Frontend rendering for Django forms.

``GovukFormRenderer`` makes ``{{ form }}`` and ``{{ field.as_field_group }}`` produce
GOV.UK form groups (label, hint, error message, input) from templates in
``templates/components/forms/``. ``GovukFormMixin`` puts the GOV.UK classes on the
widgets and marks fields in error, so every form in the portal looks and behaves the
same without per-form markup.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext as _

_WIDGET_CLASSES: dict[type, str] = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.SelectMultiple: "govuk-select",
    forms.RadioSelect: "govuk-radios__input",
    forms.CheckboxSelectMultiple: "govuk-checkboxes__input",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
}
_ERROR_CLASSES = {
    "govuk-input": "govuk-input--error",
    "govuk-textarea": "govuk-textarea--error",
    "govuk-select": "govuk-select--error",
    "govuk-file-upload": "govuk-file-upload--error",
}


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "components/forms/form.html"
    field_template_name = "components/forms/field.html"


def _base_class(widget: forms.Widget) -> str:
    for widget_type in type(widget).__mro__:
        if widget_type in _WIDGET_CLASSES:
            return _WIDGET_CLASSES[widget_type]
    return "govuk-input"


class GovukFormMixin:
    """Adds GOV.UK classes to widgets, and error classes once the form is validated."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, GovukDateWidget | forms.HiddenInput):
                continue
            base = _base_class(widget)
            existing = widget.attrs.get("class", "")
            if base not in existing.split():
                widget.attrs["class"] = f"{base} {existing}".strip()
            if isinstance(field, forms.EmailField):
                widget.attrs.setdefault("autocomplete", "email")
                widget.attrs.setdefault("spellcheck", "false")

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            if isinstance(widget, GovukDateWidget):
                widget.has_error = True
                continue
            classes = widget.attrs.get("class", "").split()
            for base, error in _ERROR_CLASSES.items():
                if base in classes and error not in classes:
                    classes.append(error)
            widget.attrs["class"] = " ".join(classes)


class GovukDateWidget(forms.MultiWidget):
    """The GOV.UK date input: separate day, month and year boxes."""

    template_name = "components/forms/date_widget.html"

    def __init__(self, attrs: dict | None = None) -> None:
        self.has_error = False
        widgets = {
            "day": forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": "govuk-input govuk-date-input__input govuk-input--width-2",
                }
            ),
            "month": forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": "govuk-input govuk-date-input__input govuk-input--width-2",
                }
            ),
            "year": forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": "govuk-input govuk-date-input__input govuk-input--width-4",
                }
            ),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        for sub in context["widget"]["subwidgets"]:
            if self.has_error and "govuk-input--error" not in sub["attrs"]["class"]:
                sub["attrs"]["class"] += " govuk-input--error"
        labels = [_("Day"), _("Month"), _("Year")]
        context["widget"]["parts"] = list(zip(context["widget"]["subwidgets"], labels, strict=True))
        return context


class GovukDateField(forms.MultiValueField):
    """A date typed as day, month and year, with the GOV.UK error messages."""

    widget = GovukDateWidget

    def __init__(self, **kwargs: Any) -> None:
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[str]) -> dt.date | None:
        if not data_list or not any(data_list):
            if self.required:
                raise forms.ValidationError(_("Enter a date"), code="required")
            return None
        day, month, year = (str(v or "").strip() for v in data_list)
        missing = [n for n, v in ((_("day"), day), (_("month"), month), (_("year"), year)) if not v]
        if missing:
            raise forms.ValidationError(
                _("The date must include a %(part)s") % {"part": " and ".join(missing)}
            )
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise forms.ValidationError(_("Enter the date using numbers, for example 27 3 2024"))
        if len(year) != 4:
            raise forms.ValidationError(_("Year must include 4 numbers"))
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError as exc:
            raise forms.ValidationError(_("Enter a real date")) from exc
