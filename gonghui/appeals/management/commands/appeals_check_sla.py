"""manage.py appeals_check_sla [--date YYYY-MM-DD] — yellow/red flags, reminders, supervision.

Run it from cron or a timer (e.g. every 15 minutes); it is idempotent and safe to run twice at
once.
"""

import datetime

from django.core.management.base import BaseCommand

from gonghui.appeals.sla import check_sla


class Command(BaseCommand):
    help = "Apply the time-limit flags and escalations of the 12351 appeals."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--date", type=datetime.date.fromisoformat, default=None)

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        result = check_sla(options["date"])
        self.stdout.write(f"yellow={result.yellow} red={result.red} supervised={result.supervised}")
