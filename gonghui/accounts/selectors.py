"""Reads of staff accounts, scoped to the organisations the actor manages."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from gonghui.accounts.models import RoleAssignment, User
from gonghui.accounts.scoping import scope_filter


def staff_list(*, actor: Any, q: str = "") -> QuerySet[User]:
    """Users holding at least one role inside the actor's ``staff.manage`` scope."""
    condition = scope_filter(actor, "staff.manage", "role_assignments__organisation__path")
    qs = User.objects.filter(role_assignments__isnull=False)
    if condition is not None:
        qs = qs.filter(condition)
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    return qs.distinct().order_by("username")


def staff_get_for_actor(*, actor: Any, pk: int) -> User:
    user = staff_list(actor=actor).filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


def assignments_of(*, actor: Any, user: User) -> QuerySet[RoleAssignment]:
    return (
        RoleAssignment.objects.visible_to(actor, "staff.manage")
        .filter(user=user)
        .select_related("organisation")
    )
