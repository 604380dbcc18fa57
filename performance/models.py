"""Reporting periods and the quarterly performance return.

One return per partnership per quarter, one section per priority of the adopted plan
(the model is the Norfolk quarterly return). Workflow (performance.services):

    draft --submit--> submitted --approve--> approved (frozen)
      ^                   |                      |
      +----return---------+                      |
      +----query (PCC reviewer) -----------------+

Each submission is kept as a ReturnVersion (a snapshot), and every transition as a
ReturnEvent. Sections carry a ``revision`` so that two people saving the same section
cannot silently overwrite each other.
"""

from __future__ import annotations

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from csp_portal.lib.bounds import (
    COMMENT_MAX_LENGTH,
    NARRATIVE_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    BoundedTextField,
    length_checks,
)
from csp_portal.lib.history import portal_history
from csp_portal.lib.models import BaseModel, CodedModel
from partnerships.models import Partnership
from priorities.models import Measure, Plan, Priority, financial_year_label


class Rag(models.TextChoices):
    RED = "red", _("Red")
    AMBER = "amber", _("Amber")
    GREEN = "green", _("Green")


class Direction(models.TextChoices):
    IMPROVING = "improving", _("Improving")
    SAME = "same", _("No change")
    WORSENING = "worsening", _("Worsening")
    UNKNOWN = "unknown", _("Not known")


# The default statement for each overall colour; officers may edit it.
DEFAULT_RAG_STATEMENTS = {
    Rag.GREEN: "GREEN – target on track and likely to be achieved",
    Rag.AMBER: "AMBER – target causing concern; remedial action taken, impact uncertain",
    Rag.RED: "RED – target not on track; significant risk it will not be achieved",
}

# Quarter -> (first month, last month) in the UK financial year.
_QUARTER_MONTHS = {1: (4, 6), 2: (7, 9), 3: (10, 12), 4: (1, 3)}


def quarter_dates(financial_year: int, quarter: int) -> tuple[dt.date, dt.date]:
    first_month, last_month = _QUARTER_MONTHS[quarter]
    year = financial_year if quarter < 4 else financial_year + 1
    start = dt.date(year, first_month, 1)
    next_month = dt.date(year + (last_month == 12), last_month % 12 + 1, 1)
    return start, next_month - dt.timedelta(days=1)


def period_containing(day: dt.date) -> tuple[int, int]:
    """(financial year, quarter) of a date: 15 May 2013 -> (2013, 1)."""
    financial_year = day.year if day.month >= 4 else day.year - 1
    quarter = {4: 1, 5: 1, 6: 1, 7: 2, 8: 2, 9: 2, 10: 3, 11: 3, 12: 3, 1: 4, 2: 4, 3: 4}[day.month]
    return financial_year, quarter


class ReportingPeriod(BaseModel):
    """A quarter of the UK financial year (Q1 April–June … Q4 January–March)."""

    # Returns are due this many days after the quarter ends, unless set otherwise.
    DEFAULT_DEADLINE_DAYS = 42

    financial_year = models.PositiveSmallIntegerField(
        _("financial year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    starts_on = models.DateField(_("starts on"), editable=False)
    ends_on = models.DateField(_("ends on"), editable=False)
    submission_deadline = models.DateField(_("returns due by"))

    history = portal_history()

    class Meta:
        ordering = ["-financial_year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["financial_year", "quarter"], name="performance_period_unique"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="performance_quarter_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs) -> None:
        self.starts_on, self.ends_on = quarter_dates(self.financial_year, self.quarter)
        if not self.submission_deadline:
            self.submission_deadline = self.ends_on + dt.timedelta(days=self.DEFAULT_DEADLINE_DAYS)
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        return f"Q{self.quarter} {financial_year_label(self.financial_year)}"

    @property
    def months_label(self) -> str:
        return f"{self.starts_on:%B} to {self.ends_on:%B %Y}"

    @property
    def slug(self) -> str:
        """URL form: 2013-q2."""
        return f"{self.financial_year}-q{self.quarter}"

    def previous_key(self) -> tuple[int, int]:
        if self.quarter == 1:
            return self.financial_year - 1, 4
        return self.financial_year, self.quarter - 1


class PerformanceReturnQuerySet(models.QuerySet):
    def approved(self) -> PerformanceReturnQuerySet:
        return self.filter(status=PerformanceReturn.Status.APPROVED)


class PerformanceReturn(CodedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting sign-off")
        APPROVED = "approved", _("Approved")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="returns")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="returns")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="returns")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The PCC query that reopened an approved return, until it is approved again.
    open_query = models.ForeignKey(
        "ReturnEvent", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = PerformanceReturnQuerySet.as_manager()
    history = portal_history()

    class Meta:
        ordering = ["partnership", "-period__financial_year", "-period__quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "period"], name="performance_one_return_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period.label} return, {self.partnership.name}"

    def history_partnership_id(self) -> int:
        return self.partnership_id

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.APPROVED

    def is_overdue(self, today: dt.date | None = None) -> bool:
        """Not yet submitted although the deadline has passed."""
        today = today or timezone.localdate()
        return self.status == self.Status.DRAFT and today > self.period.submission_deadline


class ReturnSection(BaseModel):
    """One priority's part of a return: measure grid, the four questions, overall RAG."""

    performance_return = models.ForeignKey(
        PerformanceReturn, on_delete=models.CASCADE, related_name="sections"
    )
    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)
    # As they were when the return was made (lead officers change during a plan).
    sponsor = models.CharField(_("sponsor agency"), max_length=200, blank=True)
    lead_officer = models.CharField(_("lead officer"), max_length=200, blank=True)
    summary = BoundedTextField(_("Summary narrative"), blank=True, max_length=NARRATIVE_MAX_LENGTH)
    milestones_reached = BoundedTextField(
        _("What milestones have been reached successfully?"),
        blank=True,
        max_length=NARRATIVE_MAX_LENGTH,
    )
    milestones_missed = BoundedTextField(
        _(
            "Have any milestones on the action plan been missed? If so, why, and how are they being addressed?"
        ),
        blank=True,
        max_length=NARRATIVE_MAX_LENGTH,
    )
    prospects = BoundedTextField(
        _(
            "What are the prospects for the delivery of the targets for this priority? Are there any specific risks to delivery?"
        ),
        blank=True,
        max_length=NARRATIVE_MAX_LENGTH,
    )
    assessed_rag = models.CharField(
        _("overall traffic light assessment"), max_length=5, choices=Rag.choices, blank=True
    )
    rag_statement = models.CharField(_("statement"), max_length=NOTE_MAX_LENGTH, blank=True)
    rag_justification = BoundedTextField(
        _("why the assessment differs from the measures"),
        blank=True,
        max_length=COMMENT_MAX_LENGTH,
    )
    suggested_rag = models.CharField(
        _("what the measures suggest"),
        max_length=5,
        choices=Rag.choices,
        blank=True,
        editable=False,
    )
    # Incremented by every save; a save carrying an older revision is refused.
    revision = models.PositiveIntegerField(default=1, editable=False)
    updated_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = portal_history()

    class Meta:
        ordering = ["performance_return", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["performance_return", "priority"],
                name="performance_one_section_per_priority",
            ),
            *length_checks(
                "performance_section",
                summary=NARRATIVE_MAX_LENGTH,
                milestones_reached=NARRATIVE_MAX_LENGTH,
                milestones_missed=NARRATIVE_MAX_LENGTH,
                prospects=NARRATIVE_MAX_LENGTH,
                rag_justification=COMMENT_MAX_LENGTH,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.priority} ({self.performance_return.period.label})"

    @property
    def partnership(self) -> Partnership:
        return self.performance_return.partnership

    def history_partnership_id(self) -> int:
        return self.performance_return.partnership_id

    @property
    def disagrees(self) -> bool:
        """The assessed colour differs from what the measures suggest."""
        return bool(
            self.assessed_rag and self.suggested_rag and self.assessed_rag != self.suggested_rag
        )


class MeasureValue(BaseModel):
    """One row of a section's measure grid."""

    section = models.ForeignKey(ReturnSection, on_delete=models.CASCADE, related_name="values")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(
        _("value for the quarter"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    ytd_value = models.DecimalField(
        _("year to date"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    national_comparator = models.DecimalField(
        _("national comparator"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)
    no_data = models.BooleanField(_("no data available"), default=False)
    no_data_reason = models.CharField(
        _("why there is no data"), max_length=NOTE_MAX_LENGTH, blank=True
    )
    calculated_rag = models.CharField(
        _("calculated RAG"), max_length=5, choices=Rag.choices, blank=True
    )
    direction = models.CharField(
        _("direction of travel"),
        max_length=10,
        choices=Direction.choices,
        default=Direction.UNKNOWN,
    )

    history = portal_history()

    class Meta:
        ordering = ["section", "measure__order", "measure__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "measure"], name="performance_one_value_per_measure"
            ),
            models.CheckConstraint(
                condition=Q(no_data=False) | Q(value__isnull=True),
                name="performance_no_data_has_no_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure.code} {self.value if self.value is not None else '—'}"

    @property
    def partnership(self) -> Partnership:
        return self.section.performance_return.partnership

    def history_partnership_id(self) -> int:
        return self.section.performance_return.partnership_id

    @property
    def is_answered(self) -> bool:
        return self.value is not None or (self.no_data and bool(self.no_data_reason.strip()))


class ReturnEvent(BaseModel):
    """A step in a return's workflow, with the comment that came with it."""

    class Kind(models.TextChoices):
        STARTED = "started", _("Started")
        SUBMITTED = "submitted", _("Submitted for sign-off")
        RETURNED = "returned", _("Returned with comments")
        APPROVED = "approved", _("Approved")
        QUERIED = "queried", _("Queried by the PCC office")

    performance_return = models.ForeignKey(
        PerformanceReturn, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, related_name="+")
    comment = BoundedTextField(blank=True, max_length=COMMENT_MAX_LENGTH)
    version = models.ForeignKey(
        "ReturnVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["performance_return", "created_at", "id"]
        constraints = length_checks("performance_event", comment=COMMENT_MAX_LENGTH)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.by}"


class ReturnVersion(BaseModel):
    """What was submitted, as it was: kept for every submission and compared on screen."""

    performance_return = models.ForeignKey(
        PerformanceReturn, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField()
    submitted_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    content = models.JSONField()

    class Meta:
        ordering = ["performance_return", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["performance_return", "number"], name="performance_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Version {self.number}"
