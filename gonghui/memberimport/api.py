"""Mass-enrolment endpoints (/api/v1/members/imports/): upload → preview, status, error
report, apply, undo. Capability member.import; a batch of another area is a 404."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from gonghui.core.api import PagePagination
from gonghui.memberimport import files, selectors, services
from gonghui.memberimport.headers import split_header
from gonghui.memberimport.models import ImportBatch, ImportMode

router = Router(tags=["members"])
MAX_ERRORS_IN_RESPONSE = 1000


class RowErrorOut(Schema):
    row: int
    column: str
    code: str
    message: str


class BatchOut(Schema):
    id: int
    file_name: str
    file_sha256: str
    organisation_code: str
    mode: str
    status: str
    status_label: str
    total_rows: int
    imported_rows: int
    error_rows: int
    progress: int
    message: str
    created_at: datetime.datetime
    applied_at: datetime.datetime | None
    undone_at: datetime.datetime | None

    @staticmethod
    def resolve_organisation_code(obj: ImportBatch) -> str:
        return obj.organisation.code

    @staticmethod
    def resolve_status_label(obj: ImportBatch) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_progress(obj: ImportBatch) -> int:
        return services.get_progress(obj)


class BatchDetailOut(BatchOut):
    errors: list[RowErrorOut]
    error_count: int

    @staticmethod
    def resolve_errors(obj: ImportBatch) -> list[dict[str, Any]]:
        return obj.errors[:MAX_ERRORS_IN_RESPONSE]

    @staticmethod
    def resolve_error_count(obj: ImportBatch) -> int:
        return len(obj.errors)


class ApplyIn(Schema):
    mode: ImportMode | None = None


@router.get("/", response=list[BatchOut], summary="Import batches")
@paginate(PagePagination)
def batch_list(request: HttpRequest, status: str = ""):
    return selectors.batch_list(actor=request.user, status=status)


@router.post("/", response={201: BatchDetailOut}, summary="Upload a file and check it")
def batch_upload(
    request: HttpRequest,
    file: File[UploadedFile],
    organisation: Form[str],
    mode: Form[ImportMode] = ImportMode.STRICT,
):
    """Multipart upload (``file``, ``organisation`` = the importing union's code, ``mode``):
    the answer lists every problem with its row and column; nothing is imported yet."""
    org = selectors.organisation_for_import(actor=request.user, code=organisation)
    batch, _ = services.batch_preview(
        actor=request.user,
        organisation=org,
        file_name=file.name or "upload",
        data=file.read(),
        mode=mode,
    )
    return Status(201, batch)


@router.get("/template", summary="The XLSX template", response={200: None})
def batch_template(request: HttpRequest):
    response = HttpResponse(files.template_xlsx(), content_type=files.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="member-import-template.xlsx"'
    return response


@router.get("/{batch_id}", response=BatchDetailOut, summary="Status, progress and problems")
def batch_detail(request: HttpRequest, batch_id: int):
    return selectors.batch_get_for_actor(actor=request.user, pk=batch_id)


@router.get("/{batch_id}/report", summary="Error report (XLSX)", response={200: None})
def batch_report(request: HttpRequest, batch_id: int):
    batch = selectors.batch_get_for_actor(actor=request.user, pk=batch_id)
    return error_report_response(batch)


def error_report_response(batch: ImportBatch) -> HttpResponse:
    """The rows with problems as uploaded, plus what to fix (shared with the console view)."""
    from gonghui.memberimport.rules import read_table

    table = read_table(batch.file_name, services.kept_file(batch))
    _, header_index = split_header(table)
    content = files.error_report_xlsx(table, header_index, batch.errors)
    response = HttpResponse(content, content_type=files.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-errors.xlsx"'
    return response


@router.post("/{batch_id}/apply", response=BatchDetailOut, summary="Import a checked batch")
def batch_apply(request: HttpRequest, batch_id: int, payload: ApplyIn | None = None):
    """Strict (all or nothing, the default) or ``valid_only``; files over 5,000 rows are
    queued and the answer's ``status`` is ``queued``: poll ``GET /{id}`` for progress."""
    batch = selectors.batch_get_for_actor(actor=request.user, pk=batch_id)
    mode = payload.mode if payload and payload.mode else None
    return services.batch_submit(actor=request.user, batch=batch, mode=mode)


@router.post("/{batch_id}/undo", response=BatchOut, summary="Undo an imported batch")
def batch_undo(request: HttpRequest, batch_id: int):
    batch = selectors.batch_get_for_actor(actor=request.user, pk=batch_id)
    return services.batch_undo(actor=request.user, batch=batch)
