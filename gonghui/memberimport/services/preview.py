"""Preview of a file (checked, kept, nothing stored) and the one-pass import of the command line."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gonghui.core.pii import blind_index_many
from gonghui.memberimport import bulk
from gonghui.memberimport.models import ImportBatch, ImportMode
from gonghui.memberimport.rules import (
    ParseResult,
    iter_table,
    occupation_value,
    parse_table,
)
from gonghui.memberimport.services import registry
from gonghui.memberimport.services.apply import batch_apply
from gonghui.memberimport.services.common import error_dicts, keep, require
from gonghui.orgs.models import Organisation


def prepare(data: bytes, file_name: str, *, today: datetime.date | None = None) -> ParseResult:
    """Read and check a file against the rules and the registry (no writes). The cells
    themselves are not kept (a 100k-row sheet is ~100 MB of Python objects); the error report
    reads the kept file again."""
    rows = iter_table(file_name, data)  # one row at a time: the valid rows keep what they need
    today = today or timezone.localdate()
    parsed = parse_table(rows, today=today, occupation_of=occupation_value)
    digests = blind_index_many("id", [row.id_number for row in parsed.valid])
    kept, _returning = registry.check_registry(parsed, [row.row for row in parsed.valid], digests)
    if len(kept) < len(parsed.valid):
        parsed.valid = [parsed.valid[i] for i in kept]
    return parsed


@transaction.atomic
def batch_preview(
    *,
    actor: Any,
    organisation: Organisation,
    file_name: str,
    data: bytes,
    mode: str = ImportMode.STRICT,
    today: datetime.date | None = None,
) -> tuple[ImportBatch, ParseResult]:
    """Check an uploaded file and keep it as a batch awaiting apply. File-level problems (not a
    spreadsheet, no ID column...) raise ValidationError({"file": ...}) and keep nothing."""
    require(actor, organisation.path)
    try:
        parsed = prepare(data, file_name, today=today)
    except ValidationError as error:
        raise ValidationError({"file": error}) from None  # the field keeps its code
    batch = keep(
        actor,
        organisation,
        file_name,
        data,
        mode,
        total_rows=parsed.total,
        error_rows=len(parsed.error_rows),
        errors=error_dicts(parsed),
    )
    return batch, parsed


def batch_import(
    *, actor: Any, organisation: Organisation, file_name: str, data: bytes, mode: str
) -> ImportBatch:
    """Keep a file as a batch and import it in one pass, without a preview first (the command
    line): the rows are checked as they are stored, in a second process (``batch_apply``)."""
    require(actor, organisation.path)
    with bulk.sqlite_checkpoint_after():  # the kept file alone fills SQLite's log past a checkpoint
        batch = keep(actor, organisation, file_name, data, mode)
        return batch_apply(actor=actor, batch=batch, mode=mode, apart=True)
