"""Complete the membership transfers whose old union did not answer in time (run daily by cron).

Idempotent: every transfer is claimed with a conditional UPDATE, so a rerun completes nothing twice.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand

from gonghui.members.services import transfers_complete_due


class Command(BaseCommand):
    help = "Complete pending membership transfers whose automatic completion day has come."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        done = transfers_complete_due(today=options["today"])
        self.stdout.write(f"completed {done} transfer(s)")
