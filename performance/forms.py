"""Forms of the quarterly return pages. They validate and normalise what was typed;
performance.services saves it and applies the return's own rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from csp_portal.lib.bounds import COMMENT_MAX_LENGTH, NARRATIVE_MAX_LENGTH, NOTE_MAX_LENGTH
from csp_portal.lib.forms import GovukFormMixin
from csp_portal.lib.numbers import plain_number
from performance.models import DEFAULT_RAG_STATEMENTS, MeasureValue, PerformanceReturn, Rag
from performance.uploads import check_measure_values_file, parse_upload

# The four questions of the Norfolk return, in its own words (docs/norfolk-return-layout.md),
# with the hint it gives.
QUESTIONS: list[tuple[str, str, str]] = [
    (
        "summary",
        "Summary Narrative \u2013 to include reference to graphical trend information",
        "",
    ),
    (
        "milestones_reached",
        "What milestones have been reached successfully?",
        "N.B. Please refer to milestones in your action plan",
    ),
    (
        "milestones_missed",
        "Have any milestones on the action plan been missed? If so, why, and how are they being addressed?",
        "",
    ),
    (
        "prospects",
        "What are the prospects for the delivery of the targets for this priority? Are there any specific risks to delivery?",
        "",
    ),
]

# The overall assessment, in the order the Norfolk form lists its colours.
ASSESSMENT_CHOICES = [
    (Rag.GREEN.value, Rag.GREEN.label),
    (Rag.AMBER.value, Rag.AMBER.label),
    (Rag.RED.value, Rag.RED.label),
]


class NumberField(forms.DecimalField):
    """A number typed as people write it: "2,162", "88%", "£65,000" are all accepted."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"inputmode": "decimal", "spellcheck": "false", "class": "govuk-input--width-10"}
        )

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            value = value.strip().replace(",", "").replace("£", "").removesuffix("%").strip()
        return super().to_python(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # No min/max/step attributes: the input is text, not type="number".
        return {}


def _plain(value: Decimal | None) -> str | None:
    """A stored number as it was typed: 2162.00 -> "2162", 88.50 -> "88.5"."""
    return None if value is None else plain_number(value)


def _number_errors(what: str) -> dict[str, str]:
    return {
        "invalid": _("%(what)s must be a number, like 2162 or 88.5") % {"what": what},
        "max_decimal_places": _("%(what)s can have no more than 2 decimal places") % {"what": what},
        "max_digits": _("%(what)s must be less than 1,000,000,000,000") % {"what": what},
        "max_whole_digits": _("%(what)s must be less than 1,000,000,000,000") % {"what": what},
    }


class MeasureValueForm(GovukFormMixin, forms.Form):
    """One row of a section's measure grid. The target is shown, never edited here."""

    value = NumberField(label=_("Value for the quarter"))
    ytd_value = NumberField(label=_("Year to date"))
    national_comparator = NumberField(label=_("National comparator"))
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        error_messages={
            "max_length": _("The note must be %(limit)s characters or fewer")
            % {"limit": NOTE_MAX_LENGTH}
        },
    )
    no_data = forms.BooleanField(label=_("No data available"), required=False)
    no_data_reason = forms.CharField(
        label=_("Why is there no data?"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        error_messages={
            "max_length": _("The reason must be %(limit)s characters or fewer")
            % {"limit": NOTE_MAX_LENGTH}
        },
    )

    def __init__(
        self, *args: Any, row: MeasureValue, period_label: str = "", **kwargs: Any
    ) -> None:
        kwargs.setdefault("prefix", f"value-{row.pk}")
        kwargs.setdefault(
            "initial",
            {
                "value": _plain(row.value),
                "ytd_value": _plain(row.ytd_value),
                "national_comparator": _plain(row.national_comparator),
                "note": row.note,
                "no_data": row.no_data,
                "no_data_reason": row.no_data_reason,
            },
        )
        super().__init__(*args, **kwargs)
        self.row = row
        if self.is_bound:
            # Messages that name the measure; only a submitted form can need them.
            code = row.measure.code
            for name, what in (
                ("value", _("The value for the quarter for %(code)s")),
                ("ytd_value", _("The year to date value for %(code)s")),
                ("national_comparator", _("The national comparator for %(code)s")),
            ):
                self.fields[name].error_messages.update(_number_errors(what % {"code": code}))
        self.fields["note"].widget.attrs["class"] = "govuk-input"
        if period_label:
            self.fields["value"].label = _("Value for %(period)s") % {"period": period_label}
        # GOV.UK conditional reveal: ticking "No data available" shows the reason.
        self.fields["no_data"].widget.attrs["data-aria-controls"] = (
            f"conditional-{self.prefix}-no_data"
        )

    def preview_values(self) -> dict[str, Any]:
        """What the live RAG needs, from whatever can be read of the row (invalid -> none)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"value": data.get("value"), "no_data": bool(data.get("no_data"))}


class SectionForm(GovukFormMixin, forms.Form):
    """The four questions and the overall assessment of one priority. Nothing is
    required to save: officers save and come back later. Completeness is checked when
    the return is submitted (services.section_problems)."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    summary = forms.CharField(
        required=False, max_length=NARRATIVE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 6})
    )
    milestones_reached = forms.CharField(
        required=False, max_length=NARRATIVE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 6})
    )
    milestones_missed = forms.CharField(
        required=False, max_length=NARRATIVE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 5})
    )
    prospects = forms.CharField(
        required=False, max_length=NARRATIVE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 5})
    )
    assessed_rag = forms.ChoiceField(
        label=_("Overall traffic light assessment"),
        choices=ASSESSMENT_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose Green, Amber or Red")},
    )
    rag_statement = forms.CharField(
        label=_("Statement"),
        help_text=_(
            "The standard statement for the colour you choose is used if you leave this "
            "empty. You can change it."
        ),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "max_length": _("The statement must be %(limit)s characters or fewer")
            % {"limit": NOTE_MAX_LENGTH}
        },
    )
    rag_justification = forms.CharField(
        label=_("Why does your assessment differ from what the measures suggest?"),
        help_text=_("Only needed if your colour is not the one the measures suggest."),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label, hint in QUESTIONS:
            self.fields[name].label = label
            self.fields[name].help_text = hint
            self.fields[name].widget.attrs["data-label-size"] = "s"
        # The default statement is there to be edited: pre-fill it for the colour chosen.
        initial_rag = self.initial.get("assessed_rag")
        if not self.is_bound and initial_rag and not self.initial.get("rag_statement"):
            self.initial["rag_statement"] = DEFAULT_RAG_STATEMENTS[Rag(initial_rag)]

    def section_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("revision", None)
        return data


class StartReturnForm(GovukFormMixin, forms.Form):
    period = forms.ChoiceField(
        label=_("Which quarter is the return for?"),
        widget=forms.RadioSelect(attrs={"data-legend-size": "m"}),
        error_messages={
            "required": _("Choose the quarter the return is for"),
            "invalid_choice": _(
                "That quarter cannot be started: it already has a return or is not in the adopted plan"
            ),
        },
    )

    def __init__(self, *args: Any, periods: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.periods = {p.slug: p for p in periods}
        self.fields["period"].choices = [(p.slug, f"{p.label} ({p.months_label})") for p in periods]

    def clean_period(self) -> Any:
        return self.periods[self.cleaned_data["period"]]


class SignOffForm(GovukFormMixin, forms.Form):
    APPROVE = "approve"
    RETURN = "return"

    decision = forms.ChoiceField(
        label=_("What do you want to do with this return?"),
        choices=[
            (APPROVE, _("Approve it")),
            (RETURN, _("Return it to the officers with comments")),
        ],
        widget=forms.RadioSelect(attrs={"data-legend-size": "m"}),
        error_messages={
            "required": _("Choose whether to approve the return or return it with comments")
        },
    )
    comment = forms.CharField(
        label=_("Comments"),
        help_text=_(
            "If you return it, say what needs to change. If you approve it, a comment is optional."
        ),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, cannot_approve: str = "", **kwargs: Any) -> None:
        """``cannot_approve``: why this person may not approve (the submitter), if so."""
        super().__init__(*args, **kwargs)
        if cannot_approve:
            decision = self.fields["decision"]
            decision.choices = [c for c in decision.choices if c[0] != self.APPROVE]
            decision.error_messages["invalid_choice"] = cannot_approve

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == self.RETURN and not data.get("comment", "").strip():
            self.add_error(
                "comment", _("Say what needs to change before the return can be approved")
            )
        return data


class QueryForm(GovukFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("Your query"),
        help_text=_(
            "Say what the partnership needs to explain or correct. The return reopens as a "
            "draft with your query attached, and has to be signed off again."
        ),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "data-label-size": "m"}),
        error_messages={"required": _("Enter your query")},
    )


class ReturnFilterForm(GovukFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *PerformanceReturn.Status.choices],
    )
    year = forms.TypedChoiceField(
        label=_("Financial year"), required=False, coerce=int, empty_value=None
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[("-period", "Newest first"), ("period", "Oldest first")],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from priorities.models import financial_year_label

        self.fields["year"].choices = [
            ("", _("Any year")),
            *((y, financial_year_label(y)) for y in years),
        ]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {"status": "", "financial_year": None, "sort": "-period"}
        return {
            "status": self.cleaned_data["status"],
            "financial_year": self.cleaned_data["year"],
            "sort": self.cleaned_data["sort"] or "-period",
        }


class CompareForm(GovukFormMixin, forms.Form):
    from_ = forms.TypedChoiceField(label=_("Compare version"), coerce=int)
    to = forms.TypedChoiceField(label=_("with version"), coerce=int)

    def __init__(self, *args: Any, numbers: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(n, f"Version {n}") for n in numbers]
        self.fields["from_"].choices = choices
        self.fields["to"].choices = choices
        for name in ("from_", "to"):
            self.fields[name].error_messages["invalid_choice"] = _(
                "Choose one of the submitted versions"
            )
            self.fields[name].error_messages["required"] = _("Choose the versions to compare")

    def add_prefix(self, field_name: str) -> str:
        # "from" is a Python keyword, so the field is ``from_`` but the URL says ?from=.
        return "from" if field_name == "from_" else super().add_prefix(field_name)


class MeasureValuesUploadForm(GovukFormMixin, forms.Form):
    """A file of measure values made from the template. ``clean_file`` checks the file
    (csp_portal.lib.uploads) and reads its rows; ``rows`` holds them when it is valid."""

    file = forms.FileField(
        label="Upload a file",
        help_text="An XLSX or CSV file made from the template, smaller than 2 MB.",
        error_messages={
            "required": "Select an XLSX or CSV file to upload",
            "empty": "The selected file is empty",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        self.rows = parse_upload(check_measure_values_file(upload))
        return upload
