"""``manage.py members_import FILE --org ORG_CODE --actor USERNAME [--dry-run] [--valid-only]
[--report REPORT.json]``: the mass-enrolment pipeline from the command line.

Exit status 0 when the file had no row errors, 1 when it had (or could not be read). The report
is ``{"total_rows": n, "imported": k, "errors": [{"row", "column", "code", "message"}]}``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from gonghui.core.errors import Conflict, ScopeViolation
from gonghui.memberimport import services
from gonghui.memberimport.models import ImportMode, ImportStatus
from gonghui.orgs.models import Organisation


class Command(BaseCommand):
    help = "Import members from an XLSX or CSV file (集中入会)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--org", required=True, help="code of the importing union")
        parser.add_argument("--actor", required=True, help="username of the staff member")
        parser.add_argument("--dry-run", action="store_true", help="check only, import nothing")
        parser.add_argument("--valid-only", action="store_true", help="import the valid rows")
        parser.add_argument("--report", help="write the JSON report to this file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        actor = get_user_model().objects.filter(username=options["actor"]).first()
        if actor is None:
            raise CommandError(f"unknown user {options['actor']!r}")
        organisation = Organisation.objects.filter(code=options["org"]).first()
        if organisation is None:
            raise CommandError(f"unknown organisation code {options['org']!r}")
        mode = ImportMode.VALID_ONLY if options["valid_only"] else ImportMode.STRICT
        arguments = {
            "actor": actor,
            "organisation": organisation,
            "file_name": path.name,
            "data": path.read_bytes(),
            "mode": mode,
        }
        try:
            if options["dry_run"]:
                batch, _parsed = services.batch_preview(**arguments)
            else:  # one pass: checked while stored
                batch = services.batch_import(**arguments)
                if batch.status == ImportStatus.FAILED and not batch.errors:
                    raise CommandError(batch.message)  # the file itself, not its rows
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        except (ScopeViolation, Conflict) as error:
            raise CommandError(error.message) from None
        report = {
            "total_rows": batch.total_rows,
            "imported": batch.imported_rows if batch.status == ImportStatus.APPLIED else 0,
            "errors": batch.errors,
        }
        if options["report"]:
            Path(options["report"]).write_text(
                json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8"
            )
        self.stdout.write(
            f"batch {batch.pk}: {report['total_rows']} rows, {report['imported']} imported, "
            f"{len(report['errors'])} errors ({batch.status})"
        )
        if options["dry_run"]:
            batch.delete()  # a dry run leaves nothing behind, not even the kept file
        for error in report["errors"][:20]:
            self.stdout.write(f"  row {error['row']} {error['column']}: {error['message']}")
        if report["errors"]:
            sys.exit(1)
