"""``manage.py members_import_purge [--days N]``: delete kept import files (they hold ID numbers
and phones) once the undo window has passed. Idempotent; run it daily from cron or a timer."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gonghui.memberimport.services import purge_kept_files


class Command(BaseCommand):
    help = "Delete uploaded import files older than the undo window."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        count = purge_kept_files(older_than_days=options["days"])
        self.stdout.write(f"{count} import files deleted")
