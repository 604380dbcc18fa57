from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from partnerships.models import Board, ForceArea, Membership, Organisation, Partnership


class ForceAreaFactory(DjangoModelFactory):
    class Meta:
        model = ForceArea
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Force Area {n}")
    slug = factory.Sequence(lambda n: f"force-area-{n}")
    country = ForceArea.Country.ENGLAND
    police_force = factory.LazyAttribute(lambda o: f"{o.name} Police")
    policing_body = factory.LazyAttribute(lambda o: f"Police and Crime Commissioner for {o.name}")


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = Partnership
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Safer Place {n} Partnership")
    slug = factory.Sequence(lambda n: f"safer-place-{n}")
    tier = Partnership.Tier.DISTRICT
    force_area = factory.SubFactory(ForceAreaFactory)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    type = Organisation.Type.LOCAL_AUTHORITY


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    partnership = factory.SubFactory(PartnershipFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    kind = Membership.Kind.RESPONSIBLE_AUTHORITY


class BoardFactory(DjangoModelFactory):
    class Meta:
        model = Board

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Board {n}")
    kind = Board.Kind.SUB_GROUP
