"""People and the roles they hold.

``RoleGrant`` is the single source of truth for who may do what. Granting or revoking
(accounts.services) keeps the person's membership of the matching guardian group in
step; the grant row itself is never deleted, so the audit trail stays complete.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import ROLE_IN_SENTENCE, ROLE_SCOPE, Role, Scope
from csp_portal.lib.history import portal_history
from csp_portal.lib.models import CodedModel


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """Someone who signs in with their email address and a password."""

    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("full name"), max_length=150)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    is_staff = models.BooleanField(
        _("site administrator"),
        default=False,
        help_text=_("Can use the Django admin to manage reference data and partnerships."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()
    history = portal_history(excluded_fields=["password", "last_login"])

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


class RoleGrantQuerySet(models.QuerySet):
    def active(self) -> RoleGrantQuerySet:
        return self.filter(revoked_at__isnull=True)


class RoleGrant(CodedModel):
    """A role held by a person, for one partnership or for one police force area."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_grants",
    )
    force_area = models.ForeignKey(
        "partnerships.ForceArea",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_grants",
    )
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = RoleGrantQuerySet.as_manager()
    history = portal_history()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role__in=[r for r, s in ROLE_SCOPE.items() if s == Scope.PARTNERSHIP])
                    & Q(partnership__isnull=False, force_area__isnull=True)
                )
                | (
                    Q(role__in=[r for r, s in ROLE_SCOPE.items() if s == Scope.FORCE_AREA])
                    & Q(partnership__isnull=True, force_area__isnull=False)
                ),
                name="accounts_rolegrant_scope_matches_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "partnership"],
                condition=Q(revoked_at__isnull=True, partnership__isnull=False),
                name="accounts_rolegrant_one_active_per_partnership",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "force_area"],
                condition=Q(revoked_at__isnull=True, force_area__isnull=False),
                name="accounts_rolegrant_one_active_per_force_area",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()} for {self.scope_object}"

    @property
    def scope_object(self):
        return self.partnership if self.partnership_id else self.force_area

    @property
    def role_in_sentence(self) -> str:
        return str(ROLE_IN_SENTENCE[self.role])

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def history_partnership_id(self) -> int | None:
        return self.partnership_id
