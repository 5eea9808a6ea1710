"""manage.py periodic [--once] — run the platform's periodic jobs, each at its own interval.

The jobs are idempotent management commands listed in the setting GONGHUI_PERIODIC_JOBS
(command name → seconds between runs): deadline checks, automatic transfer completion, purges.
Without ``--once`` the command stays in the foreground and runs each job when it is due (what
`make run` starts beside the web server); with ``--once`` it runs every job once and exits (for
cron or a systemd timer). A failing job is logged and retried at its next turn; it never stops
the others. Running two of these at once is safe: each job claims its rows with conditional
updates.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

logger = logging.getLogger(__name__)


def run_job(name: str) -> bool:
    """Run one job; False (and the error logged) when it failed."""
    try:
        call_command(name)
    except Exception:  # a job's failure must not stop the others
        logger.exception("periodic job %s failed", name)
        return False
    return True


class Command(BaseCommand):
    help = "Run the periodic jobs of GONGHUI_PERIODIC_JOBS, each at its interval (or --once)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="run every job once and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        jobs: dict[str, int] = settings.GONGHUI_PERIODIC_JOBS
        if options["once"]:
            failed = [name for name in jobs if not run_job(name)]
            if failed:
                raise SystemExit(f"failed: {', '.join(failed)}")
            return
        due = dict.fromkeys(jobs, 0.0)
        while True:
            now = time.monotonic()
            for name, interval in jobs.items():
                if due[name] <= now:
                    run_job(name)
                    due[name] = time.monotonic() + interval
            time.sleep(max(1.0, min(due.values()) - time.monotonic()))
