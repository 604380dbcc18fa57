"""csp_portal/lib/forms.py writes the markup of GOV.UK Frontend's own components.

Each test renders one field through ``GovukFormMixin`` and compares it with the HTML that
GOV.UK Frontend's Nunjucks macro gives for the same options: the ``fixtures.json`` shipped
in node_modules/govuk-frontend (the fixtures its own tests are built from). Both are parsed
and compared element by element: tag names, every attribute, classes as a set, text with
whitespace collapsed. Ids are compared by what they point at, not by spelling (Django
numbers radio ids ``name_0``, GOV.UK ``name``, ``name-2``), so a label's ``for`` or an
``aria-describedby`` that points at the wrong element still fails.

Where the portal deliberately differs, the test says so and adjusts the expected markup
the way the GOV.UK macro would with the corresponding option (for example legends are
size "s", which is ``fieldset.legend.classes: "govuk-fieldset__legend--s"``).
"""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.conf import settings

from csp_portal.lib.forms import GovukDateField, GovukFormMixin

COMPONENTS = Path(settings.BASE_DIR) / "node_modules/govuk-frontend/dist/govuk/components"
VOID = {"input", "br", "img", "hr", "meta", "link"}
ID_REFS = ("for", "aria-describedby")


def fixture(component: str, name: str) -> dict[str, Any]:
    data = json.loads((COMPONENTS / component / "fixtures.json").read_text(encoding="utf-8"))
    return next(f for f in data["fixtures"] if f["name"] == name)


# Normalising HTML ----------------------------------------------------------------------------


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: list[Any] = ["#root", {}, []]
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = [tag, {name: value or "" for name, value in attrs}, []]
        self.stack[-1][2].append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        assert self.stack[-1][0] == tag, f"</{tag}> closes <{self.stack[-1][0]}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if not text:
            return
        children = self.stack[-1][2]
        if children and isinstance(children[-1], str):
            children[-1] += " " + text
        else:
            children.append(text)


def normalise(html: str, rename: dict[str, str] | None = None, invalid: bool = False) -> str:
    """The HTML as an indented outline: one element or text per line, attributes sorted,
    classes sorted, ids replaced by ``#1``, ``#2``... in order of first mention.
    ``invalid`` adds ``aria-invalid="true"`` to every form control, as Django does to the
    controls of a field in error (GOV.UK's macros leave it out; it is correct ARIA)."""
    parser = _Tree()
    parser.feed(html)
    parser.close()
    ids: dict[str, str] = {}

    def canonical_id(value: str) -> str:
        return ids.setdefault(value, f"#{len(ids) + 1}")

    lines: list[str] = []

    def walk(node: Any, depth: int) -> None:
        if isinstance(node, str):
            lines.append("  " * depth + repr(node))
            return
        tag, attrs, children = node
        if invalid and tag in ("input", "select", "textarea"):
            attrs = {**attrs, "aria-invalid": "true"}
        parts = []
        for name in sorted(attrs):
            value = attrs[name]
            if name == "class":
                value = " ".join(sorted(value.split()))
            elif name == "id" or name in ID_REFS:
                value = " ".join(canonical_id(v) for v in value.split())
            elif name == "name" and rename:
                value = rename.get(value, value)
            parts.append(f'{name}="{value}"')
        lines.append("  " * depth + f"<{tag} {' '.join(parts)}>".replace(" >", ">"))
        for child in children:
            walk(child, depth + 1)

    for child in parser.root[2]:
        walk(child, 0)
    return "\n".join(lines)


def add_class(html: str, element_class: str, extra: str) -> str:
    """The fixture's HTML with ``extra`` added to the element of class ``element_class``,
    as the GOV.UK macro's ``classes`` option for that element would add it."""
    marker = f'class="{element_class}"'
    assert marker in html
    return html.replace(marker, f'class="{element_class} {extra}"', 1)


# Rendering a field through the portal's forms -------------------------------------------------


def render(
    name: str,
    field: forms.Field,
    *,
    error: str | None = None,
    value: Any = None,
    id_: str | None = None,
) -> str:
    """``form[name].as_field_group()`` of a GOV.UK form with that one field; ``error``
    makes the field invalid with that message, ``value`` is the submitted value."""

    def clean_field(self: forms.Form) -> Any:
        if error:
            raise forms.ValidationError(error)
        return self.cleaned_data.get(name)

    form_class = type(
        "MarkupForm",
        (GovukFormMixin, forms.Form),
        {name: field, f"clean_{name}": clean_field},
    )
    bound = error is not None or value is not None
    data = {}
    if bound and value is not None:
        data = value if isinstance(value, dict) else {name: value}
    form = form_class(data=data if bound else None, auto_id=id_ or "%s")
    if bound:
        form.is_valid()
    return str(form[name].as_field_group())


def assert_same_markup(
    ours: str, theirs: str, rename: dict[str, str] | None = None, invalid: bool = False
) -> None:
    assert normalise(ours) == normalise(theirs, rename, invalid)


# The normaliser itself ----------------------------------------------------------------------


def test_the_comparison_sees_a_missing_class_an_attribute_and_a_wrong_reference():
    html = fixture("input", "with hint text")["html"]
    assert normalise(html) == normalise(html.replace("\n  ", "\n    "))  # whitespace only
    assert normalise(html) != normalise(html.replace('class="govuk-hint"', 'class="hint"'))
    assert normalise(html) != normalise(html.replace(' type="text"', ""))
    wrong_reference = html.replace(
        'aria-describedby="input-with-hint-text-hint"', 'aria-describedby="input-with-hint-text"'
    )
    assert normalise(html) != normalise(wrong_reference)


# Text input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "error"),
    [("default", None), ("with hint text", None), ("with error and hint", "error")],
)
def test_a_text_input_is_the_govuk_input(name, error):
    spec = fixture("input", name)
    options = spec["options"]
    field = forms.CharField(
        label=options["label"]["text"],
        help_text=options.get("hint", {}).get("text", ""),
        required=False,
    )
    ours = render(
        options["name"],
        field,
        error=options["errorMessage"]["text"] if error else None,
        id_=options.get("id"),
    )
    assert_same_markup(ours, spec["html"], invalid=bool(error))


def test_a_text_input_with_a_prefix_a_suffix_and_an_error():
    spec = fixture("input", "with prefix and suffix and error")
    options = spec["options"]
    field = forms.CharField(label=options["label"]["text"], required=False)
    field.widget.attrs.update({"data-prefix": "£", "data-suffix": "per item"})
    ours = render("cost", field, error=options["errorMessage"]["text"], id_=options["id"])
    # The portal passes its prefix and suffix through data- attributes on the input.
    expected = spec["html"].replace(
        'type="text"', 'type="text" data-prefix="£" data-suffix="per item"'
    )
    assert_same_markup(ours, expected, invalid=True)


def test_a_number_is_a_text_input_with_the_decimal_keyboard():
    """GOV.UK asks for type="text" with inputmode, not type="number", for numbers."""
    spec = fixture("input", "inputmode")
    options = spec["options"]
    field = forms.DecimalField(
        label=options["label"]["text"],
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    assert_same_markup(render(options["name"], field), spec["html"])


def test_a_number_with_an_error_keeps_what_was_typed():
    spec = fixture("input", "inputmode")
    options = spec["options"]
    field = forms.DecimalField(
        label=options["label"]["text"],
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    ours = render(options["name"], field, value="twelve")
    expected = (
        '<div class="govuk-form-group govuk-form-group--error">'
        '<label class="govuk-label" for="with-inputmode">With inputmode</label>'
        '<p id="with-inputmode-error" class="govuk-error-message">'
        '<span class="govuk-visually-hidden">Error:</span> Enter a number.</p>'
        '<input class="govuk-input govuk-input--error" id="with-inputmode" name="with-inputmode"'
        ' type="text" inputmode="decimal" value="twelve" aria-describedby="with-inputmode-error">'
        "</div>"
    )
    assert_same_markup(ours, expected, invalid=True)


# Textarea ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "rows"), [("default", 5), ("with custom rows", 8), ("with hint and error message", 5)]
)
def test_a_textarea_is_the_govuk_textarea(name, rows):
    spec = fixture("textarea", name)
    options = spec["options"]
    field = forms.CharField(
        label=options["label"]["text"],
        help_text=options.get("hint", {}).get("text", ""),
        required=False,
        widget=forms.Textarea(attrs={"rows": rows}),
    )
    error = options.get("errorMessage", {}).get("text")
    ours = render(options["name"], field, error=error, id_=options.get("id"))
    assert_same_markup(ours, spec["html"], invalid=bool(error))


def test_a_textarea_keeps_its_text():
    spec = fixture("textarea", "with default value")
    options = spec["options"]
    field = forms.CharField(
        label=options["label"]["text"], required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    ours = render(options["name"], field, value=options["value"], id_=options["id"])
    assert_same_markup(ours, spec["html"])


# Select --------------------------------------------------------------------------------------


def _select(options: dict[str, Any]) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=options["label"]["text"],
        help_text=options.get("hint", {}).get("text", ""),
        required=False,
        choices=[(str(item["value"]), item["text"]) for item in options["items"]],
    )


def test_a_select_with_a_hint_and_an_error():
    spec = fixture("select", "with hint text and error message")
    options = spec["options"]
    ours = render(
        options["name"], _select(options), error=options["errorMessage"]["text"], id_="select-2"
    )
    assert_same_markup(ours, spec["html"], invalid=True)


def test_a_select_shows_the_chosen_option():
    spec = fixture("select", "with selected value")
    options = spec["options"]
    ours = render(options["name"], _select(options), value="2", id_="select-1")
    # Django's choices have no "disabled" option; GOV.UK's fixture disables option 3.
    assert_same_markup(
        ours, spec["html"].replace('<option value="3" disabled>', '<option value="3">')
    )


# Radios and checkboxes -----------------------------------------------------------------------


def _choices(options: dict[str, Any], field_class: type[forms.Field], widget: forms.Widget):
    return field_class(
        label=options["fieldset"]["legend"]["text"],
        help_text=options.get("hint", {}).get("text", ""),
        required=False,
        choices=[(item["value"], item["text"]) for item in options["items"]],
        widget=widget,
    )


def _portal_legend(html: str) -> str:
    # The portal's legends are size "s" unless a form says otherwise.
    return add_class(html, "govuk-fieldset__legend", "govuk-fieldset__legend--s")


@pytest.mark.parametrize("name", ["default", "with hint and error message"])
def test_radios_are_the_govuk_radios(name):
    spec = fixture("radios", name)
    options = spec["options"]
    field = _choices(options, forms.ChoiceField, forms.RadioSelect())
    error = options.get("errorMessage", {}).get("text")
    ours = render(options["name"], field, error=error)
    assert_same_markup(ours, _portal_legend(spec["html"]), invalid=bool(error))


def test_small_radios():
    spec = fixture("radios", "small")
    options = spec["options"]
    field = _choices(options, forms.ChoiceField, forms.RadioSelect(attrs={"data-small": "1"}))
    ours = render(options["name"], field)
    # GOV.UK's fixture puts the modifier on the form group (its "formGroup.classes"); the
    # Design System's own small radios put it on the radios, as the portal does.
    expected = spec["html"].replace(
        '<div class="govuk-form-group govuk-radios--small">', '<div class="govuk-form-group">'
    )
    expected = add_class(expected, "govuk-radios", "govuk-radios--small")
    # The portal's small radios carry their data-small switch on each input.
    expected = expected.replace('type="radio"', 'type="radio" data-small="1"')
    assert_same_markup(ours, _portal_legend(expected))


@pytest.mark.parametrize("name", ["default", "with error message and hint"])
def test_checkboxes_are_the_govuk_checkboxes(name):
    spec = fixture("checkboxes", name)
    options = spec["options"]
    field = _choices(options, forms.MultipleChoiceField, forms.CheckboxSelectMultiple())
    error = options.get("errorMessage", {}).get("text")
    ours = render(options["name"], field, error=error)
    assert_same_markup(ours, _portal_legend(spec["html"]), invalid=bool(error))


def test_a_checked_checkbox_stays_checked():
    spec = fixture("checkboxes", "default")
    options = spec["options"]
    field = _choices(options, forms.MultipleChoiceField, forms.CheckboxSelectMultiple())
    ours = render(options["name"], field, value={"nationality": ["irish"]})
    expected = spec["html"].replace('value="irish">', 'value="irish" checked>')
    assert_same_markup(ours, _portal_legend(expected))


# Date input ----------------------------------------------------------------------------------


def _date_names(prefix: str) -> dict[str, str]:
    # GOV.UK names the boxes "day", "month", "year" (or "<namePrefix>-day"); Django's
    # MultiWidget names them "<field>_day", and the form reads them back under those names.
    return {part: f"{prefix}_{part}" for part in ("day", "month", "year")}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("default", None),
        (
            "with values",
            {"with-values_day": "31", "with-values_month": "3", "with-values_year": "1980"},
        ),
        ("with error message and hint", None),
    ],
)
def test_a_date_is_the_govuk_date_input(name, value):
    spec = fixture("date-input", name)
    options = spec["options"]
    field_name = options["id"]
    field = GovukDateField(
        label=options["fieldset"]["legend"]["text"],
        help_text=options["hint"]["text"],
        required=False,
    )
    error = options.get("errorMessage", {}).get("text")
    ours = render(field_name, field, error=error, value=value)
    expected = _portal_legend(spec["html"])
    assert_same_markup(ours, expected, rename=_date_names(field_name), invalid=bool(error))


def test_a_date_field_reads_back_what_it_renders():
    form_class = type("DateForm", (GovukFormMixin, forms.Form), {"dob": GovukDateField()})
    form = form_class(data={"dob_day": "31", "dob_month": "3", "dob_year": "1980"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["dob"] == dt.date(1980, 3, 31)
