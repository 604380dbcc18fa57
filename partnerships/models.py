"""Force areas, partnerships, their member organisations and boards, and the statutory
duty catalogue. The partnership is the tenant: everything else hangs off it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from accounts.roles import CAPABILITY_PERMISSIONS
from csp_portal.lib.bounds import DESCRIPTION_MAX_LENGTH, BoundedTextField, length_checks
from csp_portal.lib.history import portal_history
from csp_portal.lib.models import BaseModel


class ForceArea(BaseModel):
    """A police force area, and its Police and Crime Commissioner (or equivalent)."""

    class Country(models.TextChoices):
        ENGLAND = "england", _("England")
        WALES = "wales", _("Wales")

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    country = models.CharField(_("country"), max_length=10, choices=Country.choices)
    police_force = models.CharField(_("police force"), max_length=150)
    policing_body = models.CharField(
        _("policing body"),
        max_length=200,
        help_text=_("Usually the Police and Crime Commissioner; a mayor in some areas."),
    )
    commissioner_name = models.CharField(_("commissioner"), max_length=150, blank=True)
    police_and_crime_plan = models.CharField(_("police and crime plan"), max_length=200, blank=True)
    website = models.URLField(_("website"), blank=True)

    history = portal_history()

    class Meta:
        ordering = ["name"]
        permissions = CAPABILITY_PERMISSIONS

    def __str__(self) -> str:
        return self.name


class PoliceAndCrimeObjective(BaseModel):
    """An objective of the force area's Police and Crime Plan; priorities align to them."""

    force_area = models.ForeignKey(ForceArea, on_delete=models.CASCADE, related_name="objectives")
    code = models.CharField(_("code"), max_length=10)
    title = models.CharField(_("title"), max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    history = portal_history()

    class Meta:
        ordering = ["force_area", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["force_area", "code"], name="partnerships_objective_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class Organisation(BaseModel):
    """A council, police force, fire service, probation provider, health body, charity…

    Renames are kept by the change history (an organisation's page shows former names)."""

    class Type(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", _("Local authority")
        POLICE = "police", _("Police")
        FIRE_AND_RESCUE = "fire_and_rescue", _("Fire and rescue")
        PROBATION = "probation", _("Probation")
        HEALTH = "health", _("Health (ICB, CCG, NHS)")
        PCC_OFFICE = "pcc_office", _("Office of the Police and Crime Commissioner")
        VOLUNTARY = "voluntary", _("Voluntary and community sector")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    website = models.URLField(_("website"), blank=True)

    history = portal_history()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Partnership(BaseModel):
    class Tier(models.TextChoices):
        DISTRICT = "district", _("District CSP")
        UNITARY = "unitary", _("Unitary CSP")
        COUNTY_STRATEGY_GROUP = "county_group", _("County strategy group")
        MERGED_COUNTY = "merged_county", _("Merged county CSP")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    slug = models.SlugField(max_length=100, unique=True)
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices)
    force_area = models.ForeignKey(
        ForceArea,
        on_delete=models.PROTECT,
        related_name="partnerships",
        verbose_name=_("police force area"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
        help_text=_("The county strategy group a district CSP sits under."),
    )
    area_description = models.CharField(_("area covered"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    history = portal_history()

    class Meta:
        ordering = ["name"]
        permissions = CAPABILITY_PERMISSIONS
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="partnerships_partnership_not_own_parent"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partnerships:detail", kwargs={"partnership": self.slug})

    def history_partnership_id(self) -> int:
        return self.pk


class PartnershipGroupObjectPermission(GroupObjectPermissionBase):
    """guardian's direct foreign key table for role-group permissions on a partnership."""

    content_object = models.ForeignKey(Partnership, on_delete=models.CASCADE)


class PartnershipUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Partnership, on_delete=models.CASCADE)


class ForceAreaGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(ForceArea, on_delete=models.CASCADE)


class ForceAreaUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(ForceArea, on_delete=models.CASCADE)


class Membership(BaseModel):
    """An organisation's seat in a partnership."""

    class Kind(models.TextChoices):
        RESPONSIBLE_AUTHORITY = "responsible", _("Responsible authority")
        CO_OPERATING = "co_operating", _("Co-operating body")
        INVITED = "invited", _("Invited (participating) body")

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("membership"), max_length=20, choices=Kind.choices)
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    history = portal_history()

    class Meta:
        ordering = ["kind", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"], name="partnerships_membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_kind_display()})"

    def history_partnership_id(self) -> int:
        return self.partnership_id


class Board(BaseModel):
    """A board, sub-group, task and finish group or forum of a partnership."""

    class Kind(models.TextChoices):
        BOARD = "board", _("Board")
        SUB_GROUP = "sub_group", _("Sub-group")
        TASK_AND_FINISH = "task_and_finish", _("Task and finish group")
        FORUM = "forum", _("Forum")
        PANEL = "panel", _("Panel")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="boards")
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("reports to"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    chair = models.CharField(_("chair"), max_length=200, blank=True)
    remit = BoundedTextField(_("remit"), blank=True, max_length=DESCRIPTION_MAX_LENGTH)
    meets = models.CharField(
        _("meets"), max_length=100, blank=True, help_text=_("For example, quarterly.")
    )
    active = models.BooleanField(_("active"), default=True)

    history = portal_history()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"], name="partnerships_board_name_unique"
            ),
            *length_checks("partnerships_board", remit=DESCRIPTION_MAX_LENGTH),
        ]

    def __str__(self) -> str:
        return self.name

    def history_partnership_id(self) -> int:
        return self.partnership_id


class StatutoryDuty(BaseModel):
    """Reference data: a duty that falls on partnerships (fixtures/reference/statutory_duties.json)."""

    class Frequency(models.TextChoices):
        CONTINUOUS = "continuous", _("Continuous")
        ANNUAL = "annual", _("Every year")
        QUARTERLY = "quarterly", _("Every quarter")
        PER_CASE = "per_case", _("For each case")
        ROLLING_PLAN = "rolling", _("Three-year plan, refreshed every year")

    code = models.CharField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    legal_source = models.CharField(_("legal source"), max_length=300)
    requirement = BoundedTextField(_("requirement"), max_length=DESCRIPTION_MAX_LENGTH)
    frequency = models.CharField(_("frequency"), max_length=20, choices=Frequency.choices)
    responsible = models.CharField(_("who is responsible"), max_length=300)
    evidence = BoundedTextField(
        _("evidence expected"), blank=True, max_length=DESCRIPTION_MAX_LENGTH
    )
    in_force_from = models.CharField(_("in force from"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    history = portal_history()

    class Meta:
        ordering = ["order", "code"]
        verbose_name_plural = "statutory duties"
        constraints = length_checks(
            "partnerships_duty",
            requirement=DESCRIPTION_MAX_LENGTH,
            evidence=DESCRIPTION_MAX_LENGTH,
        )

    def __str__(self) -> str:
        return self.title
