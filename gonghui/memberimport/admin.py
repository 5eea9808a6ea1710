from django.contrib import admin

from gonghui.memberimport.models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Read-only view for operators: batches change only through the services (undo etc.)."""

    list_display = ("pk", "file_name", "organisation", "status", "total_rows", "imported_rows")
    list_filter = ("status", "mode")
    search_fields = ("file_name", "file_sha256")
    exclude = ("file_sealed", "errors")
    readonly_fields = [
        field.name
        for field in ImportBatch._meta.fields
        if field.name not in ("file_sealed", "errors")
    ]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
