"""One member's page: details, timeline, audited reveal, state changes and edits (member.manage:
retain, leave, expel, correct the details, reactivate a retained membership)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.accounts.scoping import actor_can
from gonghui.core.errors import Conflict, ScopeViolation
from gonghui.core.pii import mask_id_number, mask_phone
from gonghui.core.views import apply_validation_error, require_capability
from gonghui.members import selectors, services
from gonghui.members.choices import EventKind, TransferCompletion
from gonghui.members.forms import MembershipChangeForm, MemberUpdateForm, ReactivateForm
from gonghui.members.models import Membership, MembershipEvent
from gonghui.members.services import KEEP
from gonghui.members.views.common import reveal_response
from gonghui.orgs.models import Employer, Organisation


def _change_form(
    request: HttpRequest, membership: Membership, data: Any = None
) -> MembershipChangeForm:
    """The retain/leave/expel form, its upper unions limited to those the actor manages."""
    uppers = selectors.upper_unions(membership.organisation)
    manageable = {o.pk for o in uppers if actor_can(request.user, "member.manage", o.path)}
    return MembershipChangeForm(
        data, state=membership.state, upper_unions=uppers, manageable=manageable
    )


def _timeline(membership: Membership) -> list[MembershipEvent]:
    """The timeline; an edit's event names the changed details by their labels, a transfer says
    whether the old union confirmed it or it completed by itself."""
    labels = {name: str(field.label) for name, field in MemberUpdateForm.base_fields.items()}
    events = list(selectors.member_timeline(membership))
    for event in events:
        if event.kind == EventKind.UPDATED:
            fields = event.data.get("fields", [])
            event.changed_labels = [labels.get(field, field) for field in fields]  # type: ignore[attr-defined]
        completion = event.data.get("completion")
        if completion in TransferCompletion.values:
            event.completion_label = TransferCompletion(completion).label  # type: ignore[attr-defined]
    return events


def _render_detail(
    request: HttpRequest,
    membership: Membership,
    *,
    change_form: MembershipChangeForm | None = None,
    update_form: MemberUpdateForm | None = None,
    reactivate_form: ReactivateForm | None = None,
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
            "events": _timeline(membership),
            "history": selectors.member_history(membership),
            "transfers": membership.transfers.select_related(
                "from_organisation", "to_organisation"
            ),
            "can_reveal": actor_can(request.user, "pii.reveal", path),
            "can_manage": actor_can(request.user, "member.manage", path),
            "change_form": change_form or _change_form(request, membership),
            "update_form": update_form or MemberUpdateForm.for_membership(membership),
            "reactivate_form": reactivate_form or ReactivateForm(),
        },
        status=status,
    )


@require_capability("member.view")
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, selectors.member_get_for_actor(actor=request.user, pk=pk))


@require_capability("member.view")
@require_POST
def member_reveal(request: HttpRequest, pk: int, field: str) -> HttpResponse:
    """The member's ID number or phone in plain text, for pii.reveal holders; audited."""
    membership = selectors.member_get_for_actor(actor=request.user, pk=pk)
    return reveal_response(request, membership.person, field, membership.organisation.path)


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


# --- edits ----------------------------------------------------------------------------------------
def _employer_input(request: HttpRequest, current: Employer | None, text: str) -> Any:
    """The employer a typed credit code or exact name stands for: ``KEEP`` when it is the one on
    record, ``None`` when empty; a field error when it names none or several."""
    text = text.strip()
    if current is not None and text and text in (current.name, current.credit_code):
        return KEEP
    if not text:
        return None
    found = selectors.employers_matching(actor=request.user, text=text)
    if not found:
        message = _("No employer in your jurisdiction has this credit code or name.")
        raise ValidationError({"employer": message})
    if len(found) > 1:
        raise ValidationError({"employer": _("Several employers have this name; enter the code.")})
    return found[0]


def _organisation_input(request: HttpRequest, code: str) -> Organisation | None:
    if not code.strip():
        return None
    found = selectors.filter_organisation(actor=request.user, code=code, capability="member.manage")
    if found is None:
        raise ValidationError({"organisation": _("No union in your jurisdiction has this code.")})
    return found


@require_capability("member.manage")
@require_POST
def member_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct the member's phone, employer, occupation, education or employment type."""
    membership = selectors.member_get_for_actor(
        actor=request.user, pk=pk, capability="member.manage"
    )
    form = MemberUpdateForm.for_membership(membership, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.member_update(
                actor=request.user,
                membership=membership,
                phone=data["phone"].strip() or None,
                employer=_employer_input(request, membership.employer, data["employer"]),
                occupation=data["occupation"],
                education=data["education"],
                employment_type=data["employment_type"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        except (Conflict, ScopeViolation) as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("members:member_detail", pk=pk)
    return _render_detail(request, membership, update_form=form, status=400)


@require_capability("member.manage")
@require_POST
def member_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """A retained member is re-hired: active again, here or at a union the actor manages."""
    membership = selectors.member_get_for_actor(
        actor=request.user, pk=pk, capability="member.manage"
    )
    form = ReactivateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.membership_reactivate(
                actor=request.user,
                membership=membership,
                organisation=_organisation_input(request, data["organisation"]),
                employer=_employer_input(request, None, data["employer"]),
                note=data["note"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        except (Conflict, ScopeViolation) as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The membership is active again."))
            return redirect("members:member_detail", pk=pk)
    return _render_detail(request, membership, reactivate_form=form, status=400)
