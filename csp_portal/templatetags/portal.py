"""Template helpers for GOV.UK markup used across the portal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms, template
from django.utils.html import format_html

from csp_portal.lib import navigation

register = template.Library()


@register.simple_tag
def fixed_url(name: str) -> str:
    """``{% url %}`` for a pattern that takes no arguments, reversed once per process
    (csp_portal.lib.navigation.fixed_url): the layout's header and footer links."""
    return navigation.fixed_url(name)


@register.filter
def widget_attr(field: forms.BoundField, name: str) -> Any:
    return field.field.widget.attrs.get(name, "")


@register.filter
def legend_size(field: forms.BoundField) -> str:
    return field.field.widget.attrs.get("data-legend-size", "s")


@register.filter
def with_described_by(field: forms.BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    attrs = {"aria-describedby": " ".join(ids)} if ids else {}
    return field.as_widget(attrs=attrs)


def _anchor(form: forms.BaseForm, name: str) -> str:
    if name == forms.forms.NON_FIELD_ERRORS or name not in form.fields:
        return ""
    bound = form[name]
    widget = bound.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{bound.auto_id}_0"
    if isinstance(widget, forms.MultiWidget):
        return f"{bound.auto_id}_0"
    return bound.auto_id


@register.filter
def error_list(forms_: forms.BaseForm | Iterable[Any] | None) -> list[tuple[str, str]]:
    """(anchor, message) pairs for the error summary, in field order."""
    if forms_ is None:
        return []
    if isinstance(forms_, forms.BaseForm | forms.BaseFormSet):
        forms_ = [forms_]
    items: list[tuple[str, str]] = []
    for form in forms_:
        if form is None:
            continue
        if isinstance(form, forms.BaseFormSet):
            items.extend(("", str(e)) for e in form.non_form_errors())
            for sub in form.forms:
                items.extend(error_list(sub))
            continue
        if not form.is_bound:
            continue
        for error in form.non_field_errors():
            items.append(("", str(error)))
        for name in form.fields:
            for error in form.errors.get(name, []):
                items.append((_anchor(form, name), str(error)))
    return items


@register.filter
def duration(value: Any) -> str:
    """A length of time in words: "15 minutes", "1 hour", "2 hours 30 minutes"."""
    if not isinstance(value, dt.timedelta):
        return ""
    hours, minutes = divmod(int(value.total_seconds()) // 60, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'' if hours == 1 else 's'}")
    if minutes or not hours:
        parts.append(f"{minutes} minute{'' if minutes == 1 else 's'}")
    return " ".join(parts)


_TAG_COLOURS = {
    "red": "govuk-tag--red",
    "amber": "govuk-tag--orange",
    "green": "govuk-tag--green",
    "blue": "govuk-tag--blue",
    "grey": "govuk-tag--grey",
    "yellow": "govuk-tag--yellow",
    "purple": "govuk-tag--purple",
    "turquoise": "govuk-tag--turquoise",
    "pink": "govuk-tag--pink",
}


@register.simple_tag
def tag(text: Any, colour: str = "grey") -> str:
    """A GOV.UK tag: always words, coloured as a second cue."""
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>',
        _TAG_COLOURS.get(str(colour), "govuk-tag--grey"),
        text,
    )


# RAG colours (and Blue for completed actions) as GOV.UK tags: the word is always shown.
_RAG_TAGS = {
    "red": ("Red", "red"),
    "amber": ("Amber", "amber"),
    "green": ("Green", "green"),
    "blue": ("Blue", "blue"),
}


def rag_words_and_colour(rag: Any, empty: str = "Not rated") -> tuple[str, str]:
    """("Amber", "amber") for "amber"; (empty, "grey") when there is no rating."""
    key = str(getattr(rag, "value", rag) or "").strip().lower()
    return _RAG_TAGS.get(key, (empty, "grey"))


@register.simple_tag
def rag_tag(rag: Any, empty: str = "Not rated") -> str:
    """{% rag_tag "amber" %} -> an orange tag reading "Amber"; no rating -> grey "Not rated"."""
    return tag(*rag_words_and_colour(rag, empty))
