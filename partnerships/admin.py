from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from partnerships.models import (
    Board,
    ForceArea,
    Membership,
    Organisation,
    Partnership,
    PoliceAndCrimeObjective,
    StatutoryDuty,
)

# Web addresses typed without a scheme get https:// (Django 6's default; saying so
# avoids Django 5.2's RemovedInDjango60Warning on every form with a URLField).
URL_FIELDS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class ObjectiveInline(admin.TabularInline):
    model = PoliceAndCrimeObjective
    extra = 0


@admin.register(ForceArea)
class ForceAreaAdmin(SimpleHistoryAdmin):
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    list_display = ["name", "country", "police_force", "policing_body", "commissioner_name"]
    list_filter = ["country"]
    search_fields = ["name", "police_force"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ObjectiveInline]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


class BoardInline(admin.StackedInline):
    model = Board
    extra = 0
    fk_name = "partnership"


@admin.register(Partnership)
class PartnershipAdmin(SimpleHistoryAdmin):
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    list_display = ["name", "tier", "force_area", "parent", "active"]
    list_filter = ["tier", "active", "force_area"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    list_select_related = ["force_area", "parent"]
    inlines = [MembershipInline, BoardInline]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    list_display = ["name", "type"]
    list_filter = ["type"]
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "partnership", "kind"]
    list_filter = ["kind"]
    search_fields = ["organisation__name", "partnership__name"]
    autocomplete_fields = ["organisation", "partnership"]
    list_select_related = ["organisation", "partnership"]


@admin.register(Board)
class BoardAdmin(SimpleHistoryAdmin):
    list_display = ["name", "partnership", "kind", "chair", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "partnership__name"]
    autocomplete_fields = ["partnership"]
    list_select_related = ["partnership"]


@admin.register(StatutoryDuty)
class StatutoryDutyAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "legal_source", "frequency"]
    list_filter = ["frequency"]
    search_fields = ["code", "title", "legal_source"]
