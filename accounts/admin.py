"""Site administrators manage people and grant any role here. Grants made in the admin go
through the same service as the portal's pages, so the guardian groups stay in step."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import RoleGrant, User
from accounts.services import role_grant_create, role_grant_revoke


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    ordering = ["name"]
    list_display = ["name", "email", "is_active", "is_staff", "last_login"]
    search_fields = ["name", "email"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Personal details", {"fields": ["name", "job_title"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]})
    ]
    filter_horizontal = []
    list_filter = ["is_active", "is_staff", "is_superuser"]


@admin.register(RoleGrant)
class RoleGrantAdmin(SimpleHistoryAdmin):
    list_display = [
        "user",
        "role",
        "partnership",
        "force_area",
        "granted_by",
        "created_at",
        "revoked_at",
    ]
    list_filter = ["role", "revoked_at"]
    search_fields = ["user__name", "user__email", "partnership__name", "force_area__name"]
    autocomplete_fields = ["user", "partnership", "force_area"]
    list_select_related = ["user", "partnership", "force_area", "granted_by"]
    actions = ["revoke"]
    fields = ["user", "role", "partnership", "force_area", "granted_by", "revoked_at", "revoked_by"]

    def get_readonly_fields(self, request, obj=None):
        always = ["granted_by", "revoked_at", "revoked_by"]
        return always + ["user", "role", "partnership", "force_area"] if obj else always

    def save_model(self, request, obj, form, change):
        if change:
            return  # grants are never edited, only revoked
        grant = role_grant_create(
            user=obj.user,
            role=obj.role,
            partnership=obj.partnership,
            force_area=obj.force_area,
            by=request.user,
        )
        obj.pk = grant.pk

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Revoke the selected roles")
    def revoke(self, request, queryset):
        count = 0
        for grant in queryset.active().select_related("user", "partnership", "force_area"):
            role_grant_revoke(grant=grant, by=request.user)
            count += 1
        messages.success(request, f"Revoked {count} role(s).")
