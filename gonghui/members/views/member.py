"""One member's page: details, timeline, audited reveal, state changes and edits."""

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
from gonghui.members.forms import (
    MembershipChangeForm,
)
from gonghui.members.models import Membership
from gonghui.members.views.common import reveal_response


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
