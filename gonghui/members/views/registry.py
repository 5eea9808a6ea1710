"""The registry's list, search and filters, and its Excel export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gonghui.accounts.scoping import actor_can, scope_filter, scope_paths
from gonghui.core import audit
from gonghui.core.models import ChangeRecord
from gonghui.core.views import require_capability
from gonghui.members import selectors
from gonghui.members.exporting import MAX_EXPORT_ROWS, content_disposition, members_xlsx
from gonghui.members.forms import (
    MemberFilterForm,
)
from gonghui.members.views.common import querystring_without_page


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
            "querystring_without_page": querystring_without_page(request),
            "can_export": actor_can(request.user, "member.export"),
            "can_transfer": actor_can(request.user, "member.transfer"),
        },
    )


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
    response["Content-Disposition"] = content_disposition(timezone.localtime())
    return response
