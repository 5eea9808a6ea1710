"""Console pages of mass enrolment: upload → preview of problems → apply; batches; undo."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core.errors import Conflict, ScopeViolation
from gonghui.core.views import apply_validation_error, require_capability
from gonghui.memberimport import files, selectors, services
from gonghui.memberimport.api import error_report_response
from gonghui.memberimport.forms import ApplyForm, UploadForm
from gonghui.memberimport.models import ImportMode, ImportStatus
from gonghui.memberimport.services import CAPABILITY

ERRORS_PER_PAGE = 100


@require_capability(CAPABILITY)
def batch_list(request: HttpRequest) -> HttpResponse:
    """The batches of the actor's area, and the upload form."""
    form = UploadForm(request.POST or None, request.FILES or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch, _parsed = services.batch_preview(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                file_name=upload.name,
                data=upload.read(),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        except ScopeViolation as error:
            form.add_error("organisation", error.message)
        else:
            return redirect("memberimport:batch_detail", pk=batch.pk)
    page = Paginator(selectors.batch_list(actor=request.user), 30).get_page(request.GET.get("page"))
    suggestions = selectors.suggested_unions(actor=request.user)
    return render(
        request,
        "memberimport/batch_list.html",
        {"form": form, "page_obj": page, "suggestions": suggestions},
    )


@require_capability(CAPABILITY)
def template_download(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(files.template_xlsx(), content_type=files.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="member-import-template.xlsx"'
    return response


@require_capability(CAPABILITY)
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get_for_actor(actor=request.user, pk=pk)
    errors = Paginator(batch.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "memberimport/batch_detail.html",
        {
            "batch": batch,
            "page_obj": errors,
            "progress": services.get_progress(batch),
            "can_apply": batch.status in (ImportStatus.PREVIEWED, ImportStatus.FAILED),
            "can_undo": batch.status == ImportStatus.APPLIED,
            "running": batch.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
            "apply_form": ApplyForm(initial={"mode": batch.mode}),
            "undo_days": services.undo_days(),
        },
    )


@require_capability(CAPABILITY)
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by htmx every second while the batch runs; once done it asks
    the page to reload (HX-Refresh) so the outcome shows."""
    batch = selectors.batch_get_for_actor(actor=request.user, pk=pk)
    running = batch.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
    response = render(
        request,
        "memberimport/_progress.html",
        {"batch": batch, "progress": services.get_progress(batch), "running": running},
    )
    if not running and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@require_capability(CAPABILITY)
def batch_report(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get_for_actor(actor=request.user, pk=pk)
    try:
        return error_report_response(batch)
    except Conflict as error:
        messages.error(request, error.message)
        return redirect("memberimport:batch_detail", pk=batch.pk)


@require_POST
@require_capability(CAPABILITY)
def batch_apply(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get_for_actor(actor=request.user, pk=pk)
    form = ApplyForm(request.POST)
    mode = form.cleaned_data.get("mode") if form.is_valid() else None
    try:
        batch = services.batch_submit(
            actor=request.user, batch=batch, mode=mode or ImportMode.STRICT
        )
    except (Conflict, ScopeViolation) as error:
        messages.error(request, error.message)
    else:
        if batch.status == ImportStatus.APPLIED:
            messages.success(
                request, _("%(count)d members imported.") % {"count": batch.imported_rows}
            )
        elif batch.status == ImportStatus.FAILED:
            messages.error(request, batch.message)
    return redirect("memberimport:batch_detail", pk=batch.pk)


@require_POST
@require_capability(CAPABILITY)
def batch_undo(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get_for_actor(actor=request.user, pk=pk)
    try:
        services.batch_undo(actor=request.user, batch=batch)
    except (Conflict, ScopeViolation) as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The batch was undone."))
    return redirect("memberimport:batch_detail", pk=batch.pk)
