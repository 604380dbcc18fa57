"""A partnership's plan: priorities, actions and performance measures.

A plan is drafted, then adopted by a manager. The yearly refresh copies the adopted
plan into a new draft version; adopting that version supersedes the old one, which is
kept. Once adopted, a plan's structure (priorities, measures, targets, action wording)
is fixed; the progress of its actions (status, RAG, note) is kept up to date all year.
Measures carry a ``lineage`` that survives the refresh, so a measure's quarterly values
can be followed across plan versions.

Over 450 lines because the plan's models (plan, its events, priority, measure, target,
action) are one aggregate, kept together with their constraints and CONTENT_FIELDS.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from csp_portal.lib.bounds import (
    COMMENT_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    BoundedTextField,
    length_checks,
)
from csp_portal.lib.history import portal_history
from csp_portal.lib.models import BaseModel, CodedModel, WorkflowEvent
from partnerships.models import Board, Organisation, Partnership, PoliceAndCrimeObjective


def financial_year_label(start_year: int) -> str:
    """2013 -> "2013/14"."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


class Plan(CodedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ADOPTED = "adopted", _("Adopted")
        SUPERSEDED = "superseded", _("Superseded")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="plans")
    title = models.CharField(_("title"), max_length=200)
    first_year = models.PositiveSmallIntegerField(
        _("first financial year"),
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("The year the plan starts, for example 2013 for 2013/14."),
    )
    last_year = models.PositiveSmallIntegerField(
        _("last financial year"),
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("For example 2015 for a plan that runs to 2015/16."),
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("refreshed from"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    summary = BoundedTextField(_("summary"), blank=True, max_length=DESCRIPTION_MAX_LENGTH)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    adopted_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = portal_history()

    class Meta:
        ordering = ["partnership", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "version"], name="priorities_plan_version_unique"
            ),
            models.UniqueConstraint(
                fields=["partnership"],
                condition=Q(status="adopted"),
                name="priorities_plan_one_adopted_per_partnership",
            ),
            models.CheckConstraint(
                condition=Q(last_year__gte=models.F("first_year")),
                name="priorities_plan_years_in_order",
            ),
            *length_checks("priorities_plan", summary=DESCRIPTION_MAX_LENGTH),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    def clean(self) -> None:
        super().clean()
        if self.first_year and self.last_year and self.last_year < self.first_year:
            raise ValidationError(
                {"last_year": _("The last year must be the same as or after the first year")}
            )

    @property
    def period_label(self) -> str:
        return f"{financial_year_label(self.first_year)} to {financial_year_label(self.last_year)}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def covers(self, financial_year: int) -> bool:
        return self.first_year <= financial_year <= self.last_year

    def history_partnership_id(self) -> int:
        return self.partnership_id


class PlanEvent(WorkflowEvent):
    """A step in a plan's workflow: who adopted it and when, and when it was superseded
    (priorities.services.PLAN_WORKFLOW records them)."""

    class Kind(models.TextChoices):
        ADOPTED = "adopted", _("Adopted")
        SUPERSEDED = "superseded", _("Superseded by a newer version")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what happened"), max_length=12, choices=Kind.choices)

    class Meta:
        ordering = ["plan", "created_at", "id"]
        constraints = length_checks("priorities_planevent", comment=COMMENT_MAX_LENGTH)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.by}"


class Priority(BaseModel):
    # ``code`` is the plan's own code ("A", "1"), so the URL identifier is ``uid``.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="priorities")
    code = models.CharField(_("code"), max_length=10, help_text=_("For example A or 1."))
    title = models.CharField(_("title"), max_length=300)
    description = BoundedTextField(_("description"), blank=True, max_length=DESCRIPTION_MAX_LENGTH)
    sponsor = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sponsored_priorities",
        verbose_name=_("sponsor agency"),
    )
    lead_officer = models.CharField(_("lead officer"), max_length=200, blank=True)
    objectives = models.ManyToManyField(
        PoliceAndCrimeObjective,
        blank=True,
        related_name="priorities",
        verbose_name=_("Police and Crime Plan objectives"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = portal_history(m2m_fields=[objectives])

    class Meta:
        ordering = ["plan", "order", "code"]
        verbose_name_plural = "priorities"
        constraints = [
            # "a" and "A" are the same priority. PriorityForm asks this constraint
            # itself (priorities.forms.refused_by), so the form and the database agree.
            models.UniqueConstraint(
                "plan",
                Lower("code"),
                name="priorities_priority_code_unique",
                violation_error_message=_("The plan already has a priority with this code."),
            ),
            *length_checks("priorities_priority", description=DESCRIPTION_MAX_LENGTH),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    @property
    def partnership(self) -> Partnership:
        return self.plan.partnership

    def history_partnership_id(self) -> int:
        return self.plan.partnership_id


class Action(CodedModel):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETE = "complete", _("Complete")
        ABANDONED = "abandoned", _("Abandoned")

    class Rag(models.TextChoices):
        RED = "red", _("Red")
        AMBER = "amber", _("Amber")
        GREEN = "green", _("Green")
        BLUE = "blue", _("Blue")

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="actions")
    description = BoundedTextField(_("action"), max_length=DESCRIPTION_MAX_LENGTH)
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead organisation"),
    )
    lead_board = models.ForeignKey(
        Board,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead group"),
    )
    lead_text = models.CharField(
        _("lead (as written)"),
        max_length=200,
        blank=True,
        help_text=_("For example \u201cWCC PH/CSPs\u201d or \u201cOne Team coordinator\u201d."),
    )
    deadline_date = models.DateField(_("deadline"), null=True, blank=True)
    deadline_text = models.CharField(
        _("deadline (in words)"),
        max_length=100,
        blank=True,
        help_text=_("For example Quarterly, Ongoing or TBC."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    rag = models.CharField(_("RAG"), max_length=5, choices=Rag.choices, blank=True)
    progress_note = BoundedTextField(_("progress"), blank=True, max_length=COMMENT_MAX_LENGTH)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = portal_history()

    # What may change all year, also on an adopted plan (its progress form).
    PROGRESS_FIELDS = ("status", "rag", "progress_note", "completed_on")
    # What officers set on an action (its form, the yearly refresh and the demo data).
    CONTENT_FIELDS = (
        "description",
        "lead_organisation",
        "lead_board",
        "lead_text",
        "deadline_date",
        "deadline_text",
        *PROGRESS_FIELDS,
    )

    class Meta:
        ordering = ["priority", "order", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="complete", rag="blue")
                | (~Q(status="complete") & ~Q(rag="blue")),
                name="priorities_action_blue_means_complete",
            ),
            *length_checks(
                "priorities_action",
                description=DESCRIPTION_MAX_LENGTH,
                progress_note=COMMENT_MAX_LENGTH,
            ),
        ]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def partnership(self) -> Partnership:
        return self.priority.plan.partnership

    def history_partnership_id(self) -> int:
        return self.priority.plan.partnership_id

    @property
    def lead_display(self) -> str:
        if self.lead_text:
            return self.lead_text
        if self.lead_board_id:
            return str(self.lead_board)
        if self.lead_organisation_id:
            return str(self.lead_organisation)
        return ""

    @property
    def deadline_display(self) -> str:
        if self.deadline_text and self.deadline_date:
            return f"{self.deadline_text} ({self.deadline_date:%-d %B %Y})"
        if self.deadline_date:
            return f"{self.deadline_date:%-d %B %Y}"
        return self.deadline_text

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.deadline_date is not None
            and self.deadline_date < today
            and self.status not in (self.Status.COMPLETE, self.Status.ABANDONED)
        )


class Measure(BaseModel):
    class Unit(models.TextChoices):
        COUNT = "count", _("Count")
        PERCENTAGE = "percentage", _("Percentage")
        RATE_PER_1000 = "rate_per_1000", _("Rate per 1,000")
        MONEY = "money", _("Money (£)")

    class Polarity(models.TextChoices):
        HIGHER_IS_BETTER = "higher", _("Higher is better")
        LOWER_IS_BETTER = "lower", _("Lower is better")

    class TargetBasis(models.TextChoices):
        LEVEL = "level", _("Each quarter should reach the annual target")
        TOTAL = "total", _("The annual target is a total for the year")

    # ``code`` is the plan's own code ("(i)"), so the URL identifier is ``uid``.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="measures")
    lineage = models.UUIDField(
        default=uuid.uuid4,
        editable=False,
        db_index=True,
        help_text="The same in every version of the plan, so values can be followed across refreshes.",
    )
    code = models.CharField(_("code"), max_length=10, help_text=_("For example (i)."))
    title = models.CharField(_("measure"), max_length=300)
    target_text = models.CharField(
        _("target (in words)"),
        max_length=300,
        blank=True,
        help_text=_(
            "As the plan states it, for example \u201cReduce ASB reported to the police by 2.5%\u201d."
        ),
    )
    unit = models.CharField(_("unit"), max_length=15, choices=Unit.choices, default=Unit.COUNT)
    polarity = models.CharField(
        _("polarity"), max_length=6, choices=Polarity.choices, default=Polarity.LOWER_IS_BETTER
    )
    target_basis = models.CharField(
        _("annual target"), max_length=5, choices=TargetBasis.choices, default=TargetBasis.TOTAL
    )
    baseline_value = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_label = models.CharField(
        _("baseline period"),
        max_length=100,
        blank=True,
        help_text=_("For example 2012/13 or Apr 11 to Mar 12."),
    )
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    tolerance_percent = models.DecimalField(
        _("Amber tolerance (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("5"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "How far short of target, as a percentage of the target, still counts as Amber rather than Red."
        ),
    )
    national_comparator = models.DecimalField(
        _("national comparator"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    national_comparator_label = models.CharField(
        _("national comparator (in words)"), max_length=200, blank=True
    )
    data_owner = models.CharField(_("data owner"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = portal_history()

    # What officers set on a measure (its form, the yearly refresh and the demo data).
    CONTENT_FIELDS = (
        "code",
        "title",
        "target_text",
        "unit",
        "polarity",
        "target_basis",
        "baseline_value",
        "baseline_label",
        "baseline_date",
        "tolerance_percent",
        "national_comparator",
        "national_comparator_label",
        "data_owner",
    )

    class Meta:
        ordering = ["priority", "order", "code"]
        constraints = [
            # As for priorities: the code is unique whatever its case, and MeasureForm
            # asks this constraint itself.
            models.UniqueConstraint(
                "priority",
                Lower("code"),
                name="priorities_measure_code_unique",
                violation_error_message=_("The priority already has a measure with this code."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def partnership(self) -> Partnership:
        return self.priority.plan.partnership

    def history_partnership_id(self) -> int:
        return self.priority.plan.partnership_id

    def target_for(
        self, financial_year: int, quarter: int, targets: dict | None = None
    ) -> Decimal | None:
        """The target for one quarter.

        A quarter's own target if the plan sets one; otherwise the annual target, as it
        stands for a level measure or shared equally across the quarters of a total.
        ``targets`` (period -> value for that year) avoids a query when preloaded.
        """
        if targets is None:
            targets = {
                t.period: t.value for t in self.targets.all() if t.financial_year == financial_year
            }
        quarter_target = targets.get(f"q{quarter}")
        if quarter_target is not None:
            return quarter_target
        annual = targets.get(MeasureTarget.Period.YEAR)
        if annual is None:
            return None
        if self.target_basis == self.TargetBasis.LEVEL:
            return annual
        return (annual / 4).quantize(Decimal("0.01"))


class MeasureTarget(BaseModel):
    class Period(models.TextChoices):
        YEAR = "year", _("Whole year")
        Q1 = "q1", _("Q1 (April to June)")
        Q2 = "q2", _("Q2 (July to September)")
        Q3 = "q3", _("Q3 (October to December)")
        Q4 = "q4", _("Q4 (January to March)")

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="targets")
    financial_year = models.PositiveSmallIntegerField(
        _("financial year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    period = models.CharField(_("period"), max_length=4, choices=Period.choices)
    value = models.DecimalField(_("target"), max_digits=14, decimal_places=2)

    history = portal_history()

    class Meta:
        ordering = ["measure", "financial_year", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "financial_year", "period"], name="priorities_target_unique"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{financial_year_label(self.financial_year)} {self.get_period_display()}: {self.value}"
        )

    @property
    def partnership(self) -> Partnership:
        return self.measure.priority.plan.partnership

    def history_partnership_id(self) -> int:
        return self.measure.priority.plan.partnership_id
