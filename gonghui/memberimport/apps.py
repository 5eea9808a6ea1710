from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MemberImportConfig(AppConfig):
    """Mass enrolment (集中入会): file import of members into the registry, with undo."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "gonghui.memberimport"
    label = "memberimport"
    verbose_name = _("Mass enrolment")
