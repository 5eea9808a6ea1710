"""manage.py audit_prune [--dry-run] — delete audit records older than the retention period.

The period is GONGHUI_AUDIT_RETENTION_DAYS (default ten years); run it from cron. Idempotent.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from gonghui.core.models import ChangeRecord


class Command(BaseCommand):
    help = "Delete audit records older than GONGHUI_AUDIT_RETENTION_DAYS."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        days = settings.GONGHUI_AUDIT_RETENTION_DAYS
        cutoff = timezone.now() - datetime.timedelta(days=days)
        old = ChangeRecord.objects.filter(created_at__lt=cutoff)
        count = old.count()
        if not options["dry_run"]:
            old.delete()
        verb = "would delete" if options["dry_run"] else "deleted"
        self.stdout.write(f"{verb} {count} audit records older than {days} days")
