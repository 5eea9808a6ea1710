from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from gonghui.accounts.models import ApiToken, RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    autocomplete_fields = ("organisation",)


@admin.register(User)
class GonghuiUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("gonghui", {"fields": ("full_name",)}))
    inlines = [RoleAssignmentInline]
    list_display = ("username", "full_name", "is_active", "is_superuser", "last_login")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "expires_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "last_used_at")
