"""Read-mostly admin of the registry. Personal data never shows in plain text here: the ID number
and phone fields are excluded (the console's audited reveal is the only way to see them), and
changes go through the services, so the admin cannot add or edit rows."""

from django.contrib import admin

from gonghui.members.models import JoinApplication, Membership, MembershipEvent, Person, Transfer

PII = ("id_number", "id_number_hash", "phone", "phone_hash")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("name", "sex", "birth_date", "id_division_code")
    exclude = PII
    search_fields = ("name", "name_initials")


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("card_number", "person", "organisation", "occupation", "state", "joined_on")
    list_filter = ("state", "occupation")
    raw_id_fields = ("person", "organisation", "employer")
    search_fields = ("card_number",)


@admin.register(MembershipEvent)
class MembershipEventAdmin(ReadOnlyAdmin):
    list_display = ("membership", "kind", "at", "actor")
    list_filter = ("kind",)
    raw_id_fields = ("membership", "actor")


@admin.register(JoinApplication)
class JoinApplicationAdmin(ReadOnlyAdmin):
    list_display = ("name", "organisation", "state", "due_on")
    list_filter = ("state",)
    exclude = PII
    raw_id_fields = ("employer", "organisation", "membership", "reviewed_by")


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = (
        "membership",
        "from_organisation",
        "to_organisation",
        "state",
        "auto_complete_on",
    )
    list_filter = ("state", "origin", "completion")
    raw_id_fields = (
        "membership",
        "from_organisation",
        "to_organisation",
        "from_employer",
        "to_employer",
    )
