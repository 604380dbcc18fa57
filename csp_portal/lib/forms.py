"""GOV.UK Frontend rendering for Django forms.

``GovukFormRenderer`` makes ``{{ form }}`` and ``{{ field.as_field_group }}`` produce
GOV.UK form groups (label, hint, error message, input) from templates in
``templates/components/forms/``. ``GovukFormMixin`` puts the GOV.UK classes on the
widgets and marks fields in error, so every form in the portal looks and behaves the
same without per-form markup.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
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


def _attrs(attrs: dict[str, Any]) -> str:
    """HTML attributes as Django's widgets/attrs.html writes them."""
    parts = []
    for name, value in attrs.items():
        if value is False or value is None:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


def _input(widget: dict[str, Any]) -> str:
    value = widget["value"]
    value_attr = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
        f"{value_attr}{_attrs(widget['attrs'])}>"
    )


def _render_widget_fast(
    widget: forms.Widget, name: str, value: Any, attrs: dict[str, Any]
) -> SafeString | None:
    """The HTML Django's own widget templates would give, built in Python.

    Rendering a widget through the template engine costs about a millisecond; a return
    section has dozens of fields. Widgets not handled here fall back to their templates.
    """
    if isinstance(widget, forms.MultiWidget | forms.FileInput | forms.RadioSelect):
        return None
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return None
    if isinstance(widget, forms.Textarea):
        context = widget.get_context(name, value, attrs)["widget"]
        text = conditional_escape(context["value"]) if context["value"] else ""
        return mark_safe(  # noqa: S308 - every part is escaped
            f'<textarea name="{conditional_escape(context["name"])}"{_attrs(context["attrs"])}>\n{text}</textarea>'
        )
    if isinstance(widget, forms.Select):
        context = widget.get_context(name, value, attrs)["widget"]
        options = []
        for group_name, group_choices, _index in context["optgroups"]:
            if group_name:
                options.append(f'<optgroup label="{conditional_escape(group_name)}">')
            for option in group_choices:
                options.append(
                    f'<option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                    f"{conditional_escape(option['label'])}</option>"
                )
            if group_name:
                options.append("</optgroup>")
        return mark_safe(  # noqa: S308 - every part is escaped
            f'<select name="{conditional_escape(context["name"])}"{_attrs(context["attrs"])}>{"".join(options)}</select>'
        )
    if isinstance(widget, forms.widgets.Input | forms.CheckboxInput):
        return mark_safe(_input(widget.get_context(name, value, attrs)["widget"]))  # noqa: S308
    return None


class GovukBoundField(forms.BoundField):
    """Renders GOV.UK form groups and the common widgets in Python (same markup as
    templates/components/forms/field.html, which remains for the rarer widgets)."""

    def as_widget(
        self,
        widget: forms.Widget | None = None,
        attrs: dict[str, Any] | None = None,
        only_initial: bool = False,
    ) -> SafeString:
        if widget is not None or only_initial:
            return super().as_widget(widget, attrs, only_initial)
        widget = self.field.widget
        if self.field.localize:
            widget.is_localized = True
        attrs = self.build_widget_attrs(attrs or {}, widget)
        if self.auto_id and "id" not in widget.attrs:
            attrs.setdefault("id", self.auto_id)
        html = _render_widget_fast(widget, self.html_name, self.value(), attrs)
        if html is None:
            return widget.render(
                name=self.html_name, value=self.value(), attrs=attrs, renderer=self.form.renderer
            )
        return html

    def _described_by(self) -> str:
        ids = []
        if self.help_text:
            ids.append(f"{self.auto_id}-hint")
        if self.errors:
            ids.append(f"{self.auto_id}-error")
        return " ".join(ids)

    def _hint(self, extra_class: str = "") -> str:
        if not self.help_text:
            return ""
        return format_html(
            '<div id="{}-hint" class="govuk-hint{}">{}</div>',
            self.auto_id,
            extra_class,
            self.help_text,
        )

    def _errors(self) -> str:
        return "".join(
            format_html(
                '<p id="{}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {}</p>',
                self.auto_id,
                error,
            )
            for error in self.errors
        )

    def _group(self, inner: str) -> SafeString:
        error = " govuk-form-group--error" if self.errors else ""
        return mark_safe(f'<div class="govuk-form-group{error}">{inner}</div>')  # noqa: S308

    def as_field_group(self) -> SafeString:
        widget = self.field.widget
        widget_attrs = widget.attrs
        if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            # CheckboxSelectMultiple is a subclass of RadioSelect: ask for it by name.
            return self._choices_group(not isinstance(widget, forms.CheckboxSelectMultiple))
        if isinstance(widget, forms.CheckboxInput):
            inner = (
                f'{self._errors()}<div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">'
                f'<div class="govuk-checkboxes__item">{self.as_widget()}'
                + format_html(
                    '<label class="govuk-label govuk-checkboxes__label" for="{}">{}</label>',
                    self.id_for_label,
                    self.label,
                )
                + f"{self._hint(' govuk-checkboxes__hint')}</div></div>"
            )
            return self._group(inner)
        if isinstance(widget, forms.MultiWidget | forms.FileInput):
            return super().as_field_group()
        limit: int | None = getattr(self.field, "max_length", None)
        if isinstance(widget, forms.Textarea) and limit:
            return self._character_count_group(limit)
        label = self._label()
        described_by = self._described_by()
        control: str = self.as_widget(
            attrs={"aria-describedby": described_by} if described_by else None
        )
        prefix, suffix = widget_attrs.get("data-prefix"), widget_attrs.get("data-suffix")
        if prefix or suffix:
            control = (
                '<div class="govuk-input__wrapper">'
                + (
                    format_html(
                        '<div class="govuk-input__prefix" aria-hidden="true">{}</div>', prefix
                    )
                    if prefix
                    else ""
                )
                + control
                + (
                    format_html(
                        '<div class="govuk-input__suffix" aria-hidden="true">{}</div>', suffix
                    )
                    if suffix
                    else ""
                )
                + "</div>"
            )
        return self._group(f"{label}{self._hint()}{self._errors()}{control}")

    def _label(self) -> str:
        size = self.field.widget.attrs.get("data-label-size", "")
        return format_html(
            '<label class="govuk-label{}" for="{}">{}</label>',
            f" govuk-label--{size}" if size else "",
            self.id_for_label,
            self.label,
        )

    def _character_count_group(self, limit: int) -> SafeString:
        """The GOV.UK character count: a textarea that says how much may be typed.

        Without JavaScript the limit is stated under the box and the server's error is
        the check; with it, GOV.UK Frontend counts as the person types. The textarea
        gets no ``maxlength`` attribute (GOV.UK's advice: a browser would silently cut
        pasted text short), so what was typed is always sent, and kept if refused.
        """
        info_id = f"{self.auto_id}-info"
        described_by = " ".join(filter(None, [info_id, self._described_by()]))
        classes = (
            f"{self.field.widget.attrs.get('class', 'govuk-textarea')} govuk-js-character-count"
        )
        control = self.as_widget(
            attrs={"aria-describedby": described_by, "class": classes, "maxlength": None}
        )
        message = format_html(
            '<div id="{}" class="govuk-hint govuk-character-count__message">'
            "You can enter up to {} characters</div>",
            info_id,
            f"{limit:,}",
        )
        error = " govuk-form-group--error" if self.errors else ""
        return mark_safe(  # noqa: S308 - every part is escaped
            f'<div class="govuk-form-group govuk-character-count{error}" '
            f'data-module="govuk-character-count" data-maxlength="{int(limit)}">'
            f"{self._label()}{self._hint()}{self._errors()}{control}{message}</div>"
        )

    def _choices_group(self, radios: bool) -> SafeString:
        kind = "radios" if radios else "checkboxes"
        small = (
            " govuk-radios--small" if radios and self.field.widget.attrs.get("data-small") else ""
        )
        items = []
        for option in self.subwidgets:
            data = option.data
            attrs = dict(data["attrs"])
            html = _input(
                {"type": data["type"], "name": data["name"], "value": data["value"], "attrs": attrs}
            )
            items.append(
                f'<div class="govuk-{kind}__item">{html}'
                + format_html(
                    '<label class="govuk-label govuk-{}__label" for="{}">{}</label>',
                    kind,
                    option.id_for_label,
                    option.choice_label,
                )
                + "</div>"
            )
        described_by = self._described_by()
        legend = format_html(
            '<legend class="govuk-fieldset__legend govuk-fieldset__legend--{}">{}</legend>',
            self.field.widget.attrs.get("data-legend-size", "s"),
            self.label,
        )
        fieldset_attrs = format_html(' aria-describedby="{}"', described_by) if described_by else ""
        inner = (
            f'<fieldset class="govuk-fieldset"{fieldset_attrs}>{legend}{self._hint()}{self._errors()}'
            f'<div class="govuk-{kind}{small}" data-module="govuk-{kind}">{"".join(items)}</div></fieldset>'
        )
        return self._group(inner)


# For the type checker the mixin is a form (it is only ever mixed into one).
if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class GovukFormMixin(_FormBase):
    """Adds GOV.UK classes to widgets, and error classes once the form is validated."""

    bound_field_class = GovukBoundField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, GovukDateWidget | forms.HiddenInput):
                continue
            if isinstance(widget, forms.Textarea) and widget.attrs.get("cols") == "40":
                # Django's default; a GOV.UK textarea's width comes from its class.
                del widget.attrs["cols"]
            base = _base_class(widget)
            existing = widget.attrs.get("class", "")
            if base not in existing.split():
                widget.attrs["class"] = f"{base} {existing}".strip()
            if isinstance(field, forms.EmailField):
                widget.attrs.setdefault("autocomplete", "email")
                widget.attrs.setdefault("spellcheck", "false")
            max_length = getattr(field, "max_length", None)
            if isinstance(widget, forms.Textarea) and max_length:
                # Django's own message reads "Ensure this value has at most ..."
                field.error_messages.setdefault(
                    "max_length",
                    _("This must be %(limit)s characters or fewer") % {"limit": f"{max_length:,}"},
                )

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

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        self.has_error = False
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
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

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
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


def apply_validation_error(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError next to the fields it is about.

    Each key of ``exc.message_dict`` that names a field of ``form`` goes to that field;
    ``__all__`` (NON_FIELD_ERRORS) and keys the form has no field for go to the form's
    non-field errors, so no message is lost. An error without fields (a plain message
    or list) is a non-field error too."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, messages in exc.message_dict.items():
        field = key if key in form.fields and key != NON_FIELD_ERRORS else None
        form.add_error(field, messages)
