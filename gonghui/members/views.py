"""Console pages of the registry, the review queue and transfers: parse → access → service →
render. The workers' H5 pages are in ``views_h5``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.accounts.scoping import actor_can, scope_filter, scope_paths
from gonghui.accounts.services import pii_reveal
from gonghui.core import audit
from gonghui.core.errors import Conflict, ScopeViolation
from gonghui.core.models import ChangeRecord
from gonghui.core.pii import blind_index, mask_id_number, mask_phone
from gonghui.core.views import apply_validation_error, require_capability
from gonghui.members import selectors, services
from gonghui.members.choices import LIVE_STATES, ApplicationState, TransferState
from gonghui.members.exporting import MAX_EXPORT_ROWS, members_xlsx
from gonghui.members.forms import (
    MemberFilterForm,
    MembershipChangeForm,
    RejectForm,
    TransferInForm,
)
from gonghui.members.models import Membership
from gonghui.orgs.models import Employer, Organisation

REVEALABLE = ("id_number", "phone")


def _filters(request: HttpRequest) -> tuple[MemberFilterForm, dict[str, Any]]:
    """The registry's search and filters from the query string, field by field.

    A field that does not validate is left out and keeps its error for the page; the others
    apply. Dropping every filter for one bad field would list (and export) the whole registry
    in place of the few rows searched for.
    """
    form = MemberFilterForm(request.GET or None)
    if not form.is_bound:
        return form, {}
    form.is_valid()  # cleaned_data keeps the fields that validated
    data = form.cleaned_data
    params: dict[str, Any] = {
        "q": data.get("q", "").strip(),
        "occupation": data.get("occupation", ""),
        "state": data.get("state", ""),
        "join_year": data.get("join_year"),
        "new_employment_form": bool(data.get("nef")),
    }
    code = data.get("organisation", "")
    if code.strip():
        organisation = selectors.filter_organisation(actor=request.user, code=code)
        if organisation is None:
            form.add_error("organisation", _("No union in your jurisdiction has this code."))
        else:
            params["organisation"] = organisation
    return form, params


def _querystring_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    encoded = query.urlencode()
    return f"{encoded}&" if encoded else ""


class _CountedPaginator(Paginator):
    """Pages from one queryset, the total from another shaped for counting (same rows)."""

    def __init__(self, object_list: Any, per_page: int, counted: Any) -> None:
        super().__init__(object_list, per_page)
        self._counted = counted

    @cached_property
    def count(self) -> int:
        return self._counted.count()


@require_capability("member.view")
def member_list(request: HttpRequest) -> HttpResponse:
    form, params = _filters(request)
    qs = selectors.member_list(actor=request.user, **params)
    counted = selectors.member_list(actor=request.user, for_count=True, **params)
    page = _CountedPaginator(qs, 50, counted).get_page(request.GET.get("page"))
    return render(
        request,
        "members/member_list.html",
        {
            "form": form,
            "page_obj": page,
            "querystring_without_page": _querystring_without_page(request),
            "can_export": actor_can(request.user, "member.export"),
            "can_transfer": actor_can(request.user, "member.transfer"),
        },
    )


def _change_form(
    request: HttpRequest, membership: Membership, data: Any = None
) -> MembershipChangeForm:
    """The retain/leave/expel form, its upper unions limited to those the actor manages."""
    uppers = selectors.upper_unions(membership.organisation)
    manageable = {o.pk for o in uppers if actor_can(request.user, "member.manage", o.path)}
    return MembershipChangeForm(
        data, state=membership.state, upper_unions=uppers, manageable=manageable
    )


def _render_detail(
    request: HttpRequest,
    membership: Membership,
    *,
    change_form: MembershipChangeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The member's page; a form that was sent back with errors takes the place of its blank."""
    path = membership.organisation.path
    person = membership.person
    return render(
        request,
        "members/member_detail.html",
        {
            "m": membership,
            "person": person,
            "masked_id": mask_id_number(person.id_number),
            "masked_phone": mask_phone(person.phone),
            "events": selectors.member_timeline(membership),
            "history": selectors.member_history(membership),
            "transfers": membership.transfers.select_related(
                "from_organisation", "to_organisation"
            ),
            "can_reveal": actor_can(request.user, "pii.reveal", path),
            "can_manage": actor_can(request.user, "member.manage", path),
            "change_form": change_form or _change_form(request, membership),
        },
        status=status,
    )


@require_capability("member.view")
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, selectors.member_get_for_actor(actor=request.user, pk=pk))


def _reveal(request: HttpRequest, obj: Any, field: str, path: str) -> HttpResponse:
    """htmx: the plaintext of ``obj``'s ID number or phone through ``accounts.pii_reveal``
    (pii.reveal over ``path``, one audit row per reveal); 404 for anyone else or another field."""
    if field not in REVEALABLE:
        raise Http404
    try:
        value = pii_reveal(actor=request.user, obj=obj, field=field, organisation_path=path)
    except PermissionDenied:
        raise Http404 from None
    return render(request, "members/_revealed.html", {"value": value, "field": field})


@require_capability("member.view")
@require_POST
def member_reveal(request: HttpRequest, pk: int, field: str) -> HttpResponse:
    """The member's ID number or phone in plain text, for pii.reveal holders; audited."""
    membership = selectors.member_get_for_actor(actor=request.user, pk=pk)
    return _reveal(request, membership.person, field, membership.organisation.path)


@require_capability("member.manage")
@require_POST
def member_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Retain, leave or expel, from the detail page; a refusal shows on its field."""
    membership = selectors.member_get_for_actor(
        actor=request.user, pk=pk, capability="member.manage"
    )
    form = _change_form(request, membership, request.POST)
    if form.is_valid():
        try:
            _change_membership(request, membership, form)
        except ValidationError as error:
            apply_validation_error(form, error)
        except (Conflict, ScopeViolation) as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("members:member_detail", pk=pk)
    return _render_detail(request, membership, change_form=form, status=400)


def _change_membership(
    request: HttpRequest, membership: Membership, form: MembershipChangeForm
) -> None:
    data = form.cleaned_data
    if data["action"] == "retain":
        services.membership_retain(
            actor=request.user,
            membership=membership,
            reason=data["reason"],
            note=data["note"],
            keep_at=form.keep_at_union(),
        )
    elif data["action"] == "leave":
        services.membership_leave(actor=request.user, membership=membership, note=data["note"])
    else:
        try:
            services.membership_expel(
                actor=request.user, membership=membership, reason=data["note"]
            )
        except ValidationError as error:
            # The expulsion's reason is typed into the note field of this form.
            raise ValidationError({"note": error.messages}) from None


def _may_reveal_everything(actor: Any) -> bool:
    """Unmasked export only when pii.reveal covers every subtree the actor sees members in."""
    view_roots = scope_paths(actor, "member.view")
    reveal_roots = scope_paths(actor, "pii.reveal")
    if reveal_roots is None:
        return True
    if view_roots is None:
        return False
    return all(any(v.startswith(r) for r in reveal_roots) for v in view_roots)


@require_capability("member.export")
@require_GET
def member_export(request: HttpRequest) -> HttpResponse:
    """The filtered registry as XLSX (at most MAX_EXPORT_ROWS rows); masked unless the actor may
    reveal every row, and then the unmasked export is audited. Refused while a filter has an
    error: the file would hold more rows than the filters the user sees ask for."""
    form, params = _filters(request)
    if form.errors:
        messages.error(
            request,
            _("Nothing was exported: correct the filters marked in red, then export again."),
        )
        return redirect(f"{reverse('members:member_list')}?{request.GET.urlencode()}")
    qs = selectors.member_list(actor=request.user, **params)
    export_scope = scope_filter(request.user, "member.export", "organisation__path")
    if export_scope is not None:
        qs = qs.filter(export_scope)
    qs = qs[:MAX_EXPORT_ROWS]
    reveal = _may_reveal_everything(request.user)
    content, count = members_xlsx(qs.iterator(chunk_size=2000), reveal=reveal)
    audit.record(
        actor=request.user,
        action=ChangeRecord.Action.EXPORT,
        verb="members_export_unmasked" if reveal else "members_export",
        obj=request.user,
        after={
            "rows": count,
            "masked": not reveal,
            "filters": {k: str(v) for k, v in params.items() if v},
        },
    )
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="members-{stamp}.xlsx"'
    return response


# --- review queue ---------------------------------------------------------------------------------
@require_capability("member.review")
def application_queue(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", ApplicationState.PENDING)
    if state not in ApplicationState.values:
        state = ApplicationState.PENDING
    qs = selectors.application_queue(actor=request.user, state=state)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "members/application_queue.html",
        {
            "page_obj": page,
            "state": state,
            "states": ApplicationState.choices,
            "today": timezone.localdate(),
            "backlog": selectors.applications_backlog(actor=request.user),
            "querystring_without_page": f"state={state}&",
        },
    )


@require_capability("member.review")
@require_POST
def application_reveal(request: HttpRequest, pk: int, field: str) -> HttpResponse:
    """The applicant's ID number or phone in plain text, so the reviewer can reach them; for
    pii.reveal holders over the reviewing union, audited like the member's reveal."""
    application = selectors.application_get_for_actor(actor=request.user, pk=pk)
    return _reveal(request, application, field, application.organisation.path)


@require_capability("member.review")
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for_actor(actor=request.user, pk=pk)
    reject_form = RejectForm(request.POST if request.POST.get("action") == "reject" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                membership = services.join_application_approve(
                    actor=request.user, application=application
                )
                messages.success(
                    request,
                    _("Approved: card number %(card)s.") % {"card": membership.card_number},
                )
                return redirect("members:member_detail", pk=membership.pk)
            if action == "reject" and reject_form.is_valid():
                services.join_application_reject(
                    actor=request.user,
                    application=application,
                    reason=reject_form.cleaned_data["reason"],
                )
                messages.success(request, _("Rejected; the worker sees the reason."))
                return redirect("members:application_queue")
        except ValidationError as error:
            apply_validation_error(reject_form, error)
        except (Conflict, ScopeViolation) as error:
            messages.error(request, error.message)
            return redirect("members:application_detail", pk=pk)
    return render(
        request,
        "members/application_detail.html",
        {
            "a": application,
            "masked_id": mask_id_number(application.id_number),
            "masked_phone": mask_phone(application.phone),
            "can_reveal": actor_can(request.user, "pii.reveal", application.organisation.path),
            "reject_form": reject_form,
            "today": timezone.localdate(),
        },
    )


# --- transfers ------------------------------------------------------------------------------------
@require_capability("member.transfer")
def transfer_list(request: HttpRequest) -> HttpResponse:
    direction = request.GET.get("direction", "")
    state = request.GET.get("state", TransferState.PENDING)
    if state not in TransferState.values and state != "":
        state = TransferState.PENDING
    qs = selectors.transfer_list(
        actor=request.user, state=state, direction=direction if direction in ("in", "out") else ""
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "members/transfer_list.html",
        {
            "page_obj": page,
            "direction": direction,
            "state": state,
            "states": TransferState.choices,
            "today": timezone.localdate(),
            "backlog": selectors.transfers_backlog(actor=request.user),
            "querystring_without_page": _querystring_without_page(request),
        },
    )


@require_capability("member.transfer")
def transfer_new(request: HttpRequest) -> HttpResponse:
    """The new union asks for a member of another union (会籍接转), by ID number and name."""
    form = TransferInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            transfer = _request_transfer_in(request, data)
        except ValidationError as error:
            apply_validation_error(form, error)
        except (Conflict, ScopeViolation) as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Transfer requested; the old union has been asked."))
            return redirect("members:transfer_detail", pk=transfer.pk)
    return render(request, "members/transfer_new.html", {"form": form})


def _request_transfer_in(request: HttpRequest, data: dict[str, Any]) -> Any:
    resident = services.clean_resident_id(data["id_number"])
    membership = services.live_membership_of(blind_index("id", resident.number))
    # Name and ID must match a live membership; the same message either way, so the form does
    # not confirm who is a member.
    if membership is None or membership.person.name != data["name"].strip():
        raise ValidationError({"id_number": _("No membership matches this ID number and name.")})
    to_employer = to_organisation = None
    if data["to_employer"]:
        to_employer = (
            Employer.objects.visible_to(request.user, "employer.view")
            .filter(credit_code=data["to_employer"].strip().upper())
            .first()
        )
        if to_employer is None:
            raise ValidationError(
                {"to_employer": _("No employer in your jurisdiction has this credit code.")}
            )
    elif data["to_organisation"]:
        to_organisation = (
            Organisation.objects.visible_to(request.user, "member.transfer")
            .filter(code=data["to_organisation"].strip())
            .first()
        )
        if to_organisation is None:
            raise ValidationError(
                {"to_organisation": _("No union in your jurisdiction has this code.")}
            )
    return services.transfer_request(
        actor=request.user,
        membership=membership,
        to_employer=to_employer,
        to_organisation=to_organisation,
        reason=data["reason"],
    )


@require_capability("member.transfer")
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = selectors.transfer_get_for_actor(actor=request.user, pk=pk)
    reject_form = RejectForm(request.POST if request.POST.get("action") == "reject" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "confirm":
                services.transfer_confirm(actor=request.user, transfer=transfer)
                messages.success(request, _("Transfer confirmed."))
                return redirect("members:transfer_detail", pk=pk)
            if action == "cancel":
                services.transfer_cancel(actor=request.user, transfer=transfer)
                messages.success(request, _("Transfer request withdrawn."))
                return redirect("members:transfer_detail", pk=pk)
            if action == "reject" and reject_form.is_valid():
                services.transfer_reject(
                    actor=request.user, transfer=transfer, reason=reject_form.cleaned_data["reason"]
                )
                messages.success(request, _("Transfer rejected."))
                return redirect("members:transfer_detail", pk=pk)
        except ValidationError as error:
            apply_validation_error(reject_form, error)
        except (Conflict, ScopeViolation) as error:
            messages.error(request, error.message)
            return redirect("members:transfer_detail", pk=pk)
    pending = transfer.state == TransferState.PENDING
    return render(
        request,
        "members/transfer_detail.html",
        {
            "t": transfer,
            "person": transfer.membership.person,
            "reject_form": reject_form,
            "can_decide": pending
            and actor_can(request.user, "member.transfer", transfer.from_organisation.path),
            "can_cancel": pending
            and actor_can(request.user, "member.transfer", transfer.to_organisation.path),
            "live_states": LIVE_STATES,
        },
    )
