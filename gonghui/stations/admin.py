"""Admin: the station kinds' checklist templates are configuration edited here; stations are
shown read-mostly (writes belong to the services, which audit them)."""

from django.contrib import admin

from gonghui.stations.models import Station, StationKind


@admin.register(StationKind)
class StationKindAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "min_capacity", "min_area", "sort_order")
    ordering = ("sort_order",)


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "division", "status")
    list_filter = ("status", "kind")
    search_fields = ("code", "name", "address")
    exclude = ("manager_phone", "manager_phone_hash")
    readonly_fields = [
        f.name
        for f in Station._meta.concrete_fields
        if f.name not in ("id", "manager_phone", "manager_phone_hash")
    ]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
