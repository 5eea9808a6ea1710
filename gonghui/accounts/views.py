"""Login, logout and staff management pages: parse → access → one service → render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.accounts import selectors, services
from gonghui.accounts.forms import LoginForm, RoleForm, StaffCreateForm, TokenForm
from gonghui.accounts.models import ApiToken, RoleAssignment
from gonghui.accounts.roles import ROLES
from gonghui.core.views import apply_validation_error, require_capability
from gonghui.orgs.models import Organisation


@method_decorator(auth_views.login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def _manageable_organisations(request: HttpRequest):
    return Organisation.objects.visible_to(request.user, "staff.manage").only(
        "code", "name", "depth", "path"
    )


@require_capability("staff.manage")
def staff_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    page = Paginator(selectors.staff_list(actor=request.user, q=q), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "accounts/staff_list.html", {"page_obj": page, "q": q})


@require_capability("staff.manage")
def staff_create(request: HttpRequest) -> HttpResponse:
    form = StaffCreateForm(request.POST or None, organisations=_manageable_organisations(request))
    if request.method == "POST" and form.is_valid():
        try:
            user = services.staff_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Account %(name)s created.") % {"name": user.username})
            return redirect("accounts:staff_detail", pk=user.pk)
    return render(request, "accounts/staff_form.html", {"form": form})


@require_capability("staff.manage")
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = selectors.staff_get_for_actor(actor=request.user, pk=pk)
    form = RoleForm(request.POST or None, organisations=_manageable_organisations(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.role_assign(actor=request.user, user=user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Role granted."))
            return redirect("accounts:staff_detail", pk=user.pk)
    assignments = selectors.assignments_of(actor=request.user, user=user)
    return render(
        request,
        "accounts/staff_detail.html",
        {"staff": user, "assignments": assignments, "form": form, "roles": ROLES},
    )


@require_POST
@require_capability("staff.manage")
def role_revoke(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    assignment = get_object_or_404(
        RoleAssignment.objects.visible_to(request.user, "staff.manage").select_related(
            "organisation", "user"
        ),
        pk=assignment_pk,
        user_id=pk,
    )
    services.role_revoke(actor=request.user, assignment=assignment)
    messages.success(request, _("Role revoked."))
    return redirect("accounts:staff_detail", pk=pk)


def token_list(request: HttpRequest) -> HttpResponse:
    """The user's own API tokens for integrations; a new token is shown once."""
    token = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _row, token = services.api_token_create(
            actor=request.user, user=request.user, name=form.cleaned_data["name"]
        )
        form = TokenForm()
    tokens = ApiToken.objects.filter(user_id=request.user.pk).order_by("-created_at")
    return render(
        request, "accounts/token_list.html", {"tokens": tokens, "form": form, "new_token": token}
    )


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user_id=request.user.pk)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:token_list")
