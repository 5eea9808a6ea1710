"""Console pages of the organisation tree and employers: parse → access → service → render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gonghui.accounts.scoping import actor_can
from gonghui.core.errors import ScopeViolation
from gonghui.core.views import apply_validation_error, require_capability
from gonghui.orgs import selectors, services
from gonghui.orgs.choices import GRASSROOTS_KINDS, OrgKind, OrgStatus
from gonghui.orgs.forms import EmployerForm, MoveForm, OrganisationForm
from gonghui.orgs.models import Organisation

CHILDREN_PER_PAGE = 50


def _roots(request: HttpRequest) -> list[Organisation]:
    """The top of what the actor sees: visible organisations whose parent is not visible."""
    visible = selectors.organisation_list(actor=request.user)
    top_depth = visible.order_by("depth").values_list("depth", flat=True).first()
    if top_depth is None:
        return []
    paths = [p for p in visible.filter(depth__lte=top_depth + 2).values_list("path", flat=True)]
    roots = {p for p in paths if not any(p != q and p.startswith(q) for q in paths)}
    return list(visible.filter(path__in=roots))


@require_capability("org.view")
def org_list(request: HttpRequest) -> HttpResponse:
    """Tree browsing from the actor's roots, or a search across the actor's subtree."""
    params = {key: request.GET.get(key, "").strip() for key in ("q", "kind", "status")}
    if any(params.values()):
        qs = selectors.organisation_list(actor=request.user, **params)
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        context = {"page_obj": page, "searching": True}
    else:
        roots = _roots(request)
        context = {"roots": roots, "counts": selectors.subtree_counts(roots), "searching": False}
    context |= {"params": params, "kinds": OrgKind.choices, "statuses": OrgStatus.choices}
    return render(request, "orgs/org_list.html", context)


@require_capability("org.view")
def org_detail(request: HttpRequest, code: str) -> HttpResponse:
    org = selectors.organisation_get_for_actor(actor=request.user, code=code)
    # A county federation may hold ~1,000 grassroots unions: page them, federations first.
    child_query = request.GET.get("cq", "").strip()
    children_qs = selectors.organisation_children(actor=request.user, organisation=org)
    if child_query:
        children_qs = children_qs.filter(name__icontains=child_query)
    page = Paginator(children_qs, CHILDREN_PER_PAGE).get_page(request.GET.get("page"))
    children = list(page)
    counts = selectors.subtree_counts([c for c in children if c.kind not in GRASSROOTS_KINDS])
    ancestors = Organisation.objects.filter(
        path__in=[org.path[:i] for i in range(8, len(org.path), 8)]
    ).visible_to(request.user, "org.view")
    context = {
        "org": org,
        "children": children,
        "page_obj": page,
        "child_query": child_query,
        "counts": counts,
        "ancestors": ancestors,
        "grassroots_total": selectors.grassroots_under(org).count(),
        "employers": org.responsible_employers.all()[:20],
        "can_manage": actor_can(request.user, "org.manage", org.path),
        "grassroots_kinds": GRASSROOTS_KINDS,
    }
    if request.htmx:
        return render(request, "orgs/_children.html", context)
    return render(request, "orgs/org_detail.html", context)


@require_capability("org.manage")
def org_create(request: HttpRequest) -> HttpResponse:
    parent = Organisation.objects.get_for_actor(
        request.user, "org.manage", code=request.GET.get("parent", "")
    )
    form = OrganisationForm(request.POST or None, initial={"division": parent.division_id})
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_create(
                actor=request.user, parent=parent, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Union organisation created."))
            return redirect("orgs:org_detail", code=org.code)
    return render(request, "orgs/org_form.html", {"form": form, "parent": parent})


@require_capability("org.manage")
def org_edit(request: HttpRequest, code: str) -> HttpResponse:
    org = Organisation.objects.get_for_actor(request.user, "org.manage", code=code)
    form = OrganisationForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.organisation_update(actor=request.user, organisation=org, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("orgs:org_detail", code=org.code)
    return render(request, "orgs/org_form.html", {"form": form, "org": org})


@require_capability("org.manage")
def org_move(request: HttpRequest, code: str) -> HttpResponse:
    org = Organisation.objects.get_for_actor(request.user, "org.manage", code=code)
    targets = (
        Organisation.objects.visible_to(request.user, "org.manage")
        .exclude(path__startswith=org.path)
        .exclude(kind__in=[OrgKind.GRASSROOTS])
        .only("code", "name", "depth", "path")
    )
    form = MoveForm(request.POST or None, targets=targets)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_move(
                actor=request.user, organisation=org, new_parent=form.cleaned_data["new_parent"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Moved, together with the organisations below it."))
            return redirect("orgs:org_detail", code=org.code)
    return render(request, "orgs/org_move.html", {"form": form, "org": org})


@require_capability("employer.view")
def employer_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    platform_only = request.GET.get("platform") == "1"
    without_union = request.GET.get("without_union") == "1"
    pending_only = request.GET.get("pending") == "1"
    qs = selectors.employer_list(
        actor=request.user,
        q=q,
        platform_only=platform_only,
        without_union=without_union,
        pending_only=pending_only,
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "orgs/employer_list.html",
        {
            "page_obj": page,
            "q": q,
            "platform_only": platform_only,
            "without_union": without_union,
            "pending_only": pending_only,
        },
    )


@require_capability("employer.view")
def employer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employer = selectors.employer_get_for_actor(actor=request.user, pk=pk)
    can_manage = actor_can(request.user, "employer.manage", employer.organisation.path)
    return render(
        request, "orgs/employer_detail.html", {"employer": employer, "can_manage": can_manage}
    )


def _unions_for(request: HttpRequest):
    return Organisation.objects.visible_to(request.user, "employer.manage").filter(
        kind__in=GRASSROOTS_KINDS, status=OrgStatus.ACTIVE
    )


@require_capability("employer.manage")
def employer_create(request: HttpRequest) -> HttpResponse:
    form = EmployerForm(request.POST or None, unions=_unions_for(request))
    if request.method == "POST" and form.is_valid():
        try:
            employer = services.employer_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        except ScopeViolation as error:
            form.add_error("division", error.message)
        else:
            messages.success(request, _("Employer registered."))
            return redirect("orgs:employer_detail", pk=employer.pk)
    return render(request, "orgs/employer_form.html", {"form": form})


@require_capability("employer.manage")
def employer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    employer = selectors.employer_get_for_actor(actor=request.user, pk=pk)
    if not actor_can(request.user, "employer.manage", employer.organisation.path):
        raise Http404
    form = EmployerForm(request.POST or None, instance=employer, unions=_unions_for(request))
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.employer_update(actor=request.user, employer=employer, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        except ScopeViolation as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("orgs:employer_detail", pk=employer.pk)
    return render(request, "orgs/employer_form.html", {"form": form, "employer": employer})
