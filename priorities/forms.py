"""Forms for the plan pages. They validate and normalise; the services persist.

Messages follow the GOV.UK error message patterns, and every form keeps what was typed
when it is shown again with errors.

Over 450 lines because it holds one form per plan page (plan, priority, measure with its
targets, action, progress, refresh, confirmation) and the small parsers they share; each
form is short, and splitting them would scatter those parsers.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, UniqueConstraint
from django.utils import timezone

from csp_portal.lib.bounds import COMMENT_MAX_LENGTH, DESCRIPTION_MAX_LENGTH
from csp_portal.lib.forms import GovukDateField, GovukFormMixin
from priorities.models import Action, Measure, MeasureTarget, Plan, Priority, financial_year_label

M = TypeVar("M", bound=Model)

MAX_PLAN_YEARS = 10
TARGET_PERIODS = [p.value for p in MeasureTarget.Period]


# Fields -------------------------------------------------------------------------------


class FinancialYearField(forms.Field):
    """A financial year typed as "2013/14" (or "2013-14", or just "2013"): the start year."""

    _pattern = re.compile(r"^(\d{4})(?:\s*[/\-–]\s*(\d{2}|\d{4}))?$")

    def __init__(self, *, what: str, **kwargs: Any) -> None:
        self.what = what
        kwargs.setdefault("help_text", "For example, 2013/14")
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"class": "govuk-input govuk-input--width-5", "spellcheck": "false"}
            ),
        )
        super().__init__(**kwargs)
        self.error_messages["required"] = f"Enter the {what}"

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            return financial_year_label(value)
        return value

    def to_python(self, value: Any) -> int | None:
        text = str(value or "").strip()[:20]
        if not text:
            return None
        match = self._pattern.match(text)
        if not match:
            raise forms.ValidationError(f"Enter the {self.what} like 2013/14")
        start = int(match.group(1))
        if match.group(2):
            end = int(match.group(2))
            if (end if len(match.group(2)) == 4 else 2000 + end) % 100 != (start + 1) % 100:
                raise forms.ValidationError(
                    f"The {self.what} must be two years in a row, like 2013/14"
                )
        if not 2000 <= start <= 2100:
            raise forms.ValidationError(f"The {self.what} must be between 2000/01 and 2100/01")
        return start


class NumberField(forms.DecimalField):
    """A number as people type it: "4,585", "£65,000" or "2.5%" are all accepted."""

    def __init__(self, *, what: str, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "inputmode": "decimal",
                    "spellcheck": "false",
                    "class": "govuk-input govuk-input--width-10",
                }
            ),
        )
        super().__init__(**kwargs)
        self.error_messages.update(
            {
                "required": f"Enter the {what}",
                "invalid": f"Enter the {what} as a number, for example 4585 or 2.5",
                "max_digits": f"The {what} must be less than 1,000,000,000,000",
                "max_whole_digits": f"The {what} must be less than 1,000,000,000,000",
                "max_decimal_places": f"The {what} can have at most 2 decimal places",
                "min_value": f"The {what} must be %(limit_value)s or more",
                "max_value": f"The {what} must be %(limit_value)s or less",
            }
        )

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            value = value.strip().replace(",", "").replace("£", "").rstrip("%").strip()
        return super().to_python(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # No HTML min/max/step: the server says what is wrong, next to the field.
        return {}


def plain_number(value: Decimal | None) -> str:
    """4585.00 -> "4585", 2.50 -> "2.5": how a number is shown back in a form field."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def refused_by(candidate: Model, constraint_name: str) -> bool:
    """Whether the database constraint of that name would refuse ``candidate``.

    A form's clash check asks the model's own constraint (Django builds the same query
    the constraint's rule stands for), so what the form refuses the database refuses,
    and the other way round: no second copy of the rule to drift, whatever the case
    rules of the database's collation."""
    constraint = next(
        c
        for c in candidate._meta.constraints
        if isinstance(c, UniqueConstraint) and c.name == constraint_name
    )
    try:
        # django-stubs 5.2 do not declare Constraint.validate (Django has it since 4.1):
        # attr-defined is off for this module (pyproject.toml).
        constraint.validate(type(candidate), candidate)
    except ValidationError:
        return True
    return False


def _candidate(new: M, instance: M | None) -> M:
    """``new`` as the row it would become: a change to ``instance``, if there is one (so
    the row is not compared with itself), otherwise a new row."""
    if instance is not None:
        new.pk = instance.pk
        new._state.adding = False
    return new


def _radios(choices: Any, **kwargs: Any) -> forms.ChoiceField:
    field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **kwargs)
    field.error_messages["invalid_choice"] = (
        field.error_messages["required"]
        if field.required
        else f"Choose one of the options for {field.label}"
    )
    return field


# Plan -------------------------------------------------------------------------------


class PlanForm(GovukFormMixin, forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, Community Safety Plan 2017 to 2020",
        error_messages={"required": "Enter the title of the plan"},
    )
    first_year = FinancialYearField(label="First financial year", what="first financial year")
    last_year = FinancialYearField(
        label="Last financial year",
        what="last financial year",
        help_text="For example, 2015/16 for a three-year plan starting in 2013/14",
    )
    summary = forms.CharField(
        label="Summary (optional)",
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the plan is for, in a sentence or two",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, last = data.get("first_year"), data.get("last_year")
        if first is not None and last is not None:
            if last < first:
                self.add_error(
                    "last_year", "The last financial year must be the same as or after the first"
                )
            elif last - first + 1 > MAX_PLAN_YEARS:
                self.add_error(
                    "last_year", f"A plan can cover at most {MAX_PLAN_YEARS} financial years"
                )
        return data


# Priority ---------------------------------------------------------------------------


class PriorityForm(GovukFormMixin, forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=10,
        help_text="For example, A or 1",
        error_messages={"required": "Enter the priority's code, for example A or 1"},
    )
    title = forms.CharField(
        label="Title",
        max_length=300,
        error_messages={"required": "Enter the title of the priority"},
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    sponsor = forms.ModelChoiceField(
        label="Sponsor agency (optional)",
        queryset=None,
        required=False,
        empty_label="Not chosen",
        help_text="The member organisation that sponsors the priority",
        error_messages={"invalid_choice": "Choose a sponsor agency from the list"},
    )
    lead_officer = forms.CharField(
        label="Lead officer (optional)",
        max_length=200,
        required=False,
        help_text="For example, ACC Jo Sample",
    )
    objectives = forms.ModelMultipleChoiceField(
        label="Police and Crime Plan objectives it supports (optional)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose objectives of the force area's Police and Crime Plan",
            "invalid_pk_value": "Choose objectives of the force area's Police and Crime Plan",
        },
    )

    def __init__(
        self, *args: Any, plan: Plan, organisations: list, objectives: Any, **kwargs: Any
    ) -> None:
        self.plan = plan
        self.instance: Priority | None = kwargs.pop("instance", None)
        super().__init__(*args, **kwargs)
        from partnerships.models import Organisation

        ids = [o.pk for o in organisations]
        if self.instance is not None and self.instance.sponsor_id:
            ids.append(self.instance.sponsor_id)
        self.fields["sponsor"].queryset = Organisation.objects.filter(pk__in=ids).order_by("name")
        self.fields["objectives"].queryset = objectives
        self.fields["objectives"].help_text = (
            f"Objectives of the {plan.partnership.force_area.police_and_crime_plan or 'Police and Crime Plan'}"
            if objectives.exists()
            else "No objectives of the Police and Crime Plan are recorded for this force area yet"
        )
        self.fields["objectives"].widget.attrs["data-legend-size"] = "s"

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        candidate = _candidate(Priority(plan=self.plan, code=code), self.instance)
        if refused_by(candidate, "priorities_priority_code_unique"):
            raise forms.ValidationError(f"The plan already has a priority {code}. Use another code")
        return code


# Measure ----------------------------------------------------------------------------


class MeasureForm(GovukFormMixin, forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=10,
        help_text="For example, (i)",
        error_messages={"required": "Enter the measure's code, for example (i)"},
    )
    title = forms.CharField(
        label="Measure",
        max_length=300,
        help_text="For example, Number of priority crimes",
        error_messages={"required": "Enter what the measure counts"},
    )
    target_text = forms.CharField(
        label="Target in words (optional)",
        max_length=300,
        required=False,
        help_text="As the plan states it, for example Reduce ASB reported to the police by 2.5%",
    )
    unit = _radios(
        Measure.Unit.choices, label="Unit", error_messages={"required": "Choose the unit"}
    )
    polarity = _radios(
        Measure.Polarity.choices,
        label="Which way is better?",
        error_messages={"required": "Choose whether higher or lower is better"},
    )
    target_basis = _radios(
        Measure.TargetBasis.choices,
        label="The annual target",
        error_messages={"required": "Choose how the annual target applies to the quarters"},
    )
    baseline_value = NumberField(label="Baseline (optional)", what="baseline")
    baseline_label = forms.CharField(
        label="Baseline period (optional)",
        max_length=100,
        required=False,
        help_text="For example, 2012/13 or Apr 11 to Mar 12",
    )
    baseline_date = GovukDateField(
        label="Baseline date (optional)",
        required=False,
        help_text="The date the baseline was measured, for example 31 3 2013",
    )
    tolerance_percent = NumberField(
        label="Amber tolerance (%)",
        what="Amber tolerance",
        required=True,
        min_value=0,
        max_value=100,
        help_text="How far short of target, as a percentage of the target, still counts as Amber rather than Red",
    )
    national_comparator = NumberField(
        label="National comparator (optional)", what="national comparator"
    )
    national_comparator_label = forms.CharField(
        label="National comparator in words (optional)",
        max_length=200,
        required=False,
        help_text="For example, England and Wales average 2012/13",
    )
    data_owner = forms.CharField(
        label="Data owner (optional)",
        max_length=200,
        required=False,
        help_text="Who provides the figures, for example Norfolk Constabulary",
    )

    def __init__(self, *args: Any, priority: Priority, **kwargs: Any) -> None:
        self.priority = priority
        self.instance: Measure | None = kwargs.pop("instance", None)
        super().__init__(*args, **kwargs)
        self.fields["tolerance_percent"].widget.attrs["class"] = "govuk-input govuk-input--width-4"
        self.fields["tolerance_percent"].widget.attrs["data-suffix"] = "%"

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        candidate = _candidate(Measure(priority=self.priority, code=code), self.instance)
        if refused_by(candidate, "priorities_measure_code_unique"):
            raise forms.ValidationError(
                f"Priority {self.priority.code} already has a measure {code}. Use another code"
            )
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("target_text", "baseline_label", "national_comparator_label", "data_owner"):
            if name in data:
                data[name] = data[name].strip()
        return data


class MeasureTargetsForm(GovukFormMixin, forms.Form):
    """The whole-year target and Q1–Q4 for every financial year the plan covers.

    Field names are ``y<year>_<period>``, for example ``y2013_q1``."""

    PERIOD_LABELS = {
        "year": "Whole year",
        "q1": "Q1 (April to June)",
        "q2": "Q2 (July to September)",
        "q3": "Q3 (October to December)",
        "q4": "Q4 (January to March)",
    }

    def __init__(self, *args: Any, measure: Measure, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.measure = measure
        self.years = list(range(plan.first_year, plan.last_year + 1))
        for year in self.years:
            label = financial_year_label(year)
            for period in TARGET_PERIODS:
                what = f"{label} {'annual' if period == 'year' else period.upper()} target"
                self.fields[f"y{year}_{period}"] = NumberField(
                    label=self.PERIOD_LABELS[period], what=what
                )
        if not self.is_bound:
            self.initial = {
                f"y{t.financial_year}_{t.period}": plain_number(t.value)
                for t in measure.targets.all()
                if t.financial_year in self.years
            }

    def year_groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (financial_year_label(year), [self[f"y{year}_{p}"] for p in TARGET_PERIODS])
            for year in self.years
        ]

    def targets_by_year(self) -> dict[int, dict[str, Decimal | None]]:
        return {
            year: {p: self.cleaned_data.get(f"y{year}_{p}") for p in TARGET_PERIODS}
            for year in self.years
        }


# Action -----------------------------------------------------------------------------

RAG_CHOICES = [
    ("", "Not rated"),
    (Action.Rag.RED, "Red"),
    (Action.Rag.AMBER, "Amber"),
    (Action.Rag.GREEN, "Green"),
]


class ActionProgressForm(GovukFormMixin, forms.Form):
    """What may change all year, also on an adopted plan."""

    status = _radios(
        Action.Status.choices,
        label="Status",
        error_messages={"required": "Choose the status of the action"},
    )
    rag = _radios(
        RAG_CHOICES,
        label="RAG rating",
        required=False,
        help_text="Complete actions are rated Blue automatically",
    )
    progress_note = forms.CharField(
        label="Progress (optional)",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    completed_on = GovukDateField(
        label="Completed on (optional)",
        required=False,
        help_text="Only for a complete action. If you leave it blank, today's date is used",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].widget.attrs["data-small"] = "1"
        self.fields["rag"].widget.attrs["data-small"] = "1"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        completed_on: dt.date | None = data.get("completed_on")
        status = data.get("status")
        if completed_on is not None and status and status != Action.Status.COMPLETE:
            self.add_error(
                "completed_on",
                "Only give a completion date if the action is complete, or choose Complete",
            )
        elif completed_on is not None and completed_on > timezone.localdate():
            self.add_error("completed_on", "The completion date must be today or in the past")
        data["rag"] = data.get("rag") or ""
        return data

    def progress_data(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in Action.PROGRESS_FIELDS}


class ActionForm(ActionProgressForm):
    """Everything about an action, while the plan is a draft."""

    field_order = [
        "description",
        "lead",
        "lead_text",
        "deadline_date",
        "deadline_text",
        "status",
        "rag",
        "progress_note",
        "completed_on",
    ]

    description = forms.CharField(
        label="Action",
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what will be done"},
    )
    lead = forms.ChoiceField(
        label="Lead organisation or group (optional)",
        required=False,
        help_text="A member organisation or one of the partnership's boards and groups",
        error_messages={"invalid_choice": "Choose a lead from the list, or type it below"},
    )
    lead_text = forms.CharField(
        label="Or type the lead (optional)",
        max_length=200,
        required=False,
        help_text="As the plan writes it, for example WCC PH/CSPs or One Team coordinator",
    )
    deadline_date = GovukDateField(
        label="Deadline date (optional)", required=False, help_text="For example, 31 3 2018"
    )
    deadline_text = forms.CharField(
        label="Deadline in words (optional)",
        max_length=100,
        required=False,
        help_text="For example, Quarterly, Ongoing, TBC or March 2018",
    )

    def __init__(self, *args: Any, organisations: list, boards: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = {o.pk: o for o in organisations}
        self.boards = {b.pk: b for b in boards}
        choices: list[Any] = [("", "Not chosen")]
        if organisations:
            choices.append(
                ("Member organisations", [(f"org:{o.pk}", o.name) for o in organisations])
            )
        if boards:
            choices.append(("Boards and groups", [(f"board:{b.pk}", b.name) for b in boards]))
        self.fields["lead"].choices = choices

    @staticmethod
    def lead_initial(action: Action) -> str:
        if action.lead_board_id:
            return f"board:{action.lead_board_id}"
        if action.lead_organisation_id:
            return f"org:{action.lead_organisation_id}"
        return ""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["lead_organisation"] = None
        data["lead_board"] = None
        lead = data.get("lead") or ""
        kind, _, pk = lead.partition(":")
        if kind == "org" and pk.isdigit():
            data["lead_organisation"] = self.organisations.get(int(pk))
        elif kind == "board" and pk.isdigit():
            data["lead_board"] = self.boards.get(int(pk))
        data["lead_text"] = (data.get("lead_text") or "").strip()
        data["deadline_text"] = (data.get("deadline_text") or "").strip()
        return data

    def action_data(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in Action.CONTENT_FIELDS}


class ConfirmForm(forms.Form):
    """An empty form: confirmation pages only need the CSRF token."""
