"""Admin for the editable reference data: subjects, routing rules and time limits."""

from django.contrib import admin

from gonghui.appeals.models import RoutingRule, SlaPolicy, Subject


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "active", "sort_order")
    list_editable = ("name", "active", "sort_order")


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ("subject", "division", "organisation", "active", "note")
    list_filter = ("active", "subject")
    raw_id_fields = ("organisation",)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ("request_type", "complexity", "sign_days", "reply_days")
    list_editable = ("sign_days", "reply_days")
