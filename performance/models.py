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
from typing import TYPE_CHECKING

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
from csp_portal.lib.models import BaseModel, CodedModel, WorkflowEvent
from partnerships.models import Partnership
from performance.periods import (
    Key,
    months_label,
    period_label,
    period_slug,
    previous_key,
    quarter_dates,
)
from priorities.models import Measure, Plan, Priority

if TYPE_CHECKING:
    from csp_portal.lib.access import Access


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

    @classmethod
    def unsaved(cls, key: Key) -> ReportingPeriod:
        """A quarter nobody has started a return for yet: its dates and default deadline,
        without writing anything (reads never create rows)."""
        period = cls(financial_year=key[0], quarter=key[1])
        period.starts_on, period.ends_on = quarter_dates(*key)
        period.submission_deadline = period.ends_on + dt.timedelta(days=cls.DEFAULT_DEADLINE_DAYS)
        return period

    @property
    def key(self) -> Key:
        return self.financial_year, self.quarter

    @property
    def label(self) -> str:
        return period_label(self.key)

    @property
    def months_label(self) -> str:
        return months_label(self.key)

    @property
    def slug(self) -> str:
        """URL form: 2013-q2."""
        return period_slug(self.key)

    def previous_key(self) -> Key:
        return previous_key(self.key)


class PerformanceReturnQuerySet(models.QuerySet):
    def approved(self) -> PerformanceReturnQuerySet:
        return self.filter(status=PerformanceReturn.Status.APPROVED)

    def visible_to(self, access: Access) -> PerformanceReturnQuerySet:
        """The returns this person may see, in any partnership: the list form of
        performance.permissions.can_view_return, where the rule and its reason live.
        Used by the return pages, the dashboard, the overview's downloads and the API."""
        from performance.permissions import visible_returns_filter

        return self.filter(visible_returns_filter(access))


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

    @property
    def is_queried(self) -> bool:
        """Reopened by a PCC query and not yet approved again."""
        return self.status == self.Status.DRAFT and self.open_query_id is not None

    def is_overdue(self, today: dt.date | None = None) -> bool:
        """See ``is_overdue`` below: the one rule, for the partnership's pages and the
        PCC overview alike."""
        return is_overdue(self, self.period, today)


def is_overdue(
    ret: PerformanceReturn | None, period: ReportingPeriod, today: dt.date | None = None
) -> bool:
    """Whether a partnership's return for ``period`` is overdue: the deadline has passed
    and there is no return, or only a draft that has never been through sign-off as it
    stands (including one a manager sent back for changes).

    A return reopened by a PCC query is *queried*, not overdue: it was submitted and
    approved on time, the query does not set a new due date, and the overview and the
    partnership's pages both show it as "Queried" until it is approved again
    (docs/return-workflow.md)."""
    today = today or timezone.localdate()
    if today <= period.submission_deadline:
        return False
    if ret is None:
        return True
    return ret.status == PerformanceReturn.Status.DRAFT and not ret.is_queried


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


class ReturnEvent(WorkflowEvent):
    """A step in a return's workflow, with the comment that came with it
    (performance.services.RETURN_WORKFLOW records them)."""

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
