from django.contrib import admin

from gonghui.orgs.models import Employer, Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "division", "status")
    list_filter = ("kind", "status")
    search_fields = ("name", "code", "credit_code")
    readonly_fields = ("path", "depth")


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "division", "platform_kind", "union", "details_pending")
    list_filter = ("platform_kind", "industry", "details_pending")
    search_fields = ("name", "credit_code")
    raw_id_fields = ("union", "organisation")
