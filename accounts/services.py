"""Writes for people and roles.

Every grant and revocation goes through here: the RoleGrant row is the audited record
(with its history), and the person's membership of the guardian role group is kept in
step in the same transaction.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import RoleGrant, User
from accounts.permissions import can_grant_role, can_revoke_grant
from accounts.roles import ROLE_CAPABILITIES, ROLE_SCOPE, Scope
from csp_portal.lib.access import forget_access
from csp_portal.lib.outbox import enqueue
from partnerships.models import (
    ForceArea,
    ForceAreaGroupObjectPermission,
    Partnership,
    PartnershipGroupObjectPermission,
)

_GROUP_PREFIX = {Scope.PARTNERSHIP: "partnership", Scope.FORCE_AREA: "force-area"}


def _group_name(role: str, scope_object: Partnership | ForceArea) -> str:
    scope = ROLE_SCOPE[role]
    return f"{_GROUP_PREFIX[scope]}:{scope_object.pk}:{role}"


def _sync_group_permissions(group: Group, role: str, scope_object: Partnership | ForceArea) -> None:
    """Make the group hold exactly the role's capabilities on the object (guardian's
    direct foreign-key tables), in a fixed number of queries."""
    is_partnership = isinstance(scope_object, Partnership)
    table = PartnershipGroupObjectPermission if is_partnership else ForceAreaGroupObjectPermission
    content_type = ContentType.objects.get_for_model(type(scope_object))
    wanted = set(ROLE_CAPABILITIES[role])
    held = dict(
        table.objects.filter(group=group, content_object=scope_object).values_list(
            "permission__codename", "pk"
        )
    )
    missing = wanted - set(held)
    if missing:
        permissions = Permission.objects.filter(content_type=content_type, codename__in=missing)
        table.objects.bulk_create(
            [table(group=group, permission=p, content_object=scope_object) for p in permissions]
        )
    extra = [pk for codename, pk in held.items() if codename not in wanted]
    if extra:
        table.objects.filter(pk__in=extra).delete()


def role_group(*, role: str, scope_object: Partnership | ForceArea) -> Group:
    """The guardian group that carries ``role``'s capabilities on one partnership or force area."""
    group, created = Group.objects.get_or_create(name=_group_name(role, scope_object))
    if created:
        _sync_group_permissions(group, role, scope_object)
    return group


def _scope_object(grant: RoleGrant) -> Partnership | ForceArea:
    return grant.partnership if grant.partnership_id else grant.force_area


@transaction.atomic
def role_grant_create(
    *,
    user: User,
    role: str,
    by: User | None,
    partnership: Partnership | None = None,
    force_area: ForceArea | None = None,
) -> RoleGrant:
    scope_object = partnership or force_area
    if scope_object is None:
        raise ValidationError(_("Choose a partnership or a police force area."))
    if ROLE_SCOPE[role] == Scope.PARTNERSHIP and partnership is None:
        raise ValidationError(_("This role is granted for a partnership."))
    if ROLE_SCOPE[role] == Scope.FORCE_AREA and force_area is None:
        raise ValidationError(_("This role is granted for a police force area."))
    if by is not None:
        can_grant_role(
            by, role=role, partnership=partnership, force_area=force_area
        ).raise_if_denied()
    if (
        RoleGrant.objects.active()
        .filter(user=user, role=role, partnership=partnership, force_area=force_area)
        .exists()
    ):
        raise ValidationError(
            _("%(name)s already has this role.") % {"name": user.name or user.email},
            code="duplicate",
        )
    grant = RoleGrant(
        user=user, role=role, partnership=partnership, force_area=force_area, granted_by=by
    )
    grant.full_clean()
    grant._history_user = by
    grant.save()
    role_group(role=role, scope_object=scope_object).user_set.add(user)
    forget_access(user)
    return grant


@transaction.atomic
def role_grant_revoke(*, grant: RoleGrant, by: User | None) -> RoleGrant:
    if by is not None:
        can_revoke_grant(by, grant).raise_if_denied()
    if not grant.is_active:
        return grant
    grant.revoked_at = timezone.now()
    grant.revoked_by = by
    grant._history_user = by
    grant.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    role_group(role=grant.role, scope_object=_scope_object(grant)).user_set.remove(grant.user)
    forget_access(grant.user)
    return grant


def role_groups_sync() -> None:
    """Bring every role group in line with ROLE_CAPABILITIES and the active grants.

    Runs after every migrate, so adding a capability to a role in code reaches every
    existing group on the next deploy, and the groups of a role removed from the code
    are deleted with their permissions (their members would otherwise keep them).
    """
    from django.db import connection

    if "accounts_rolegrant" not in connection.introspection.table_names():
        return
    for grant in RoleGrant.objects.active().select_related("partnership", "force_area", "user"):
        group = role_group(role=grant.role, scope_object=_scope_object(grant))
        group.user_set.add(grant.user)
    for group in Group.objects.filter(name__regex=r"^(partnership|force-area):\d+:[a-z_]+$"):
        kind, pk, role = group.name.split(":")
        if role not in ROLE_CAPABILITIES:
            group.delete()
            continue
        model = Partnership if kind == "partnership" else ForceArea
        scope_object = model.objects.filter(pk=int(pk)).first()
        if scope_object is None:
            group.delete()
            continue
        _sync_group_permissions(group, role, scope_object)
        active_users = (
            RoleGrant.objects.active()
            .filter(
                role=role,
                **{"partnership" if kind == "partnership" else "force_area": scope_object},
            )
            .values_list("user_id", flat=True)
        )
        group.user_set.remove(*group.user_set.exclude(pk__in=active_users))


def user_find_or_invite(
    *, email: str, name: str, by: User, partnership: Partnership
) -> tuple[User, bool]:
    """The account for ``email``; if there is none, create one and email a set-password link."""
    from accounts.tasks import send_invitation_email_task

    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        if not user.is_active:
            raise ValidationError(
                {
                    "email": _(
                        "This account has been closed. Ask a site administrator to reopen it first."
                    )
                }
            )
        return user, False
    if not name.strip():
        raise ValidationError(
            {
                "name": _(
                    "There is no account for this email address yet. Enter their full name to create one."
                )
            }
        )
    user = User(email=email, name=name.strip())
    user.set_unusable_password()
    user.full_clean()
    user._history_user = by
    user.save()
    # Through the outbox: a broker that is down when this commits delays the email, it
    # does not lose it (csp_portal/lib/outbox.py).
    enqueue(send_invitation_email_task, user.pk, by.pk, partnership.pk)
    return user, True


@transaction.atomic
def role_grant_to_email(
    *, partnership: Partnership, email: str, name: str, role: str, by: User
) -> tuple[RoleGrant, bool]:
    can_grant_role(by, role=role, partnership=partnership).raise_if_denied()
    user, created = user_find_or_invite(email=email, name=name, by=by, partnership=partnership)
    grant = role_grant_create(user=user, role=role, partnership=partnership, by=by)
    return grant, created


def user_send_invitation(*, user_id: int, invited_by_id: int | None, partnership_id: int) -> None:
    from django.conf import settings
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from csp_portal.lib.emails import send_templated_email

    user = User.objects.get(pk=user_id)
    if user.has_usable_password():
        return  # they set a password already; nothing to invite them to
    invited_by = User.objects.filter(pk=invited_by_id).first()
    partnership = Partnership.objects.get(pk=partnership_id)
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    send_templated_email(
        "invitation",
        to=[user.email],
        context={
            "user": user,
            "invited_by": invited_by,
            "partnership": partnership,
            "link": f"{settings.SITE_URL}{path}",
            "service_name": settings.SERVICE_NAME,
        },
    )
