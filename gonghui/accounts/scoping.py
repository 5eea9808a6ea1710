"""Scoping every query to the actor's part of the organisation tree (DESIGN §4).

Each scoped model declares once how it reaches an organisation's materialized path
(``scope_path = "organisation__path"``) and uses ``ScopedQuerySet`` as its manager. ``visible_to``
turns the actor's role assignments that grant a capability into a filter on the subtrees of
those organisations. Paths are strings of fixed-width digit segments, so "inside the subtree of
P" is the half-open range [P, P+1): one index range scan on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from gonghui.accounts.roles import ROLES
from gonghui.core.errors import ScopeViolation


def subtree_upper_bound(path: str) -> str:
    """The smallest digit string of the same length greater than every path starting with ``path``."""
    return str(int(path) + 1).zfill(len(path))


def subtree_q(lookup: str, path: str) -> Q:
    """Rows whose ``lookup`` path lies in the subtree rooted at ``path`` (itself included)."""
    return Q(**{f"{lookup}__gte": path, f"{lookup}__lt": subtree_upper_bound(path)})


def _minimal(paths: set[str]) -> list[str]:
    """Drop paths that lie inside another path of the set."""
    result: list[str] = []
    for path in sorted(paths):
        if not result or not path.startswith(result[-1]):
            result.append(path)
    return result


ALL = None  # sentinel of scope_paths: no restriction (superuser)


def scope_paths(actor: Any, capability: str) -> list[str] | None:
    """Subtree roots where ``actor`` holds ``capability``; ``None`` means everywhere.

    Cached on the user object for the request, since a page asks several times.
    """
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return []
    if actor.is_superuser:
        return ALL
    cache: dict[str, list[str]] | None = getattr(actor, "_scope_cache", None)
    if cache is None:
        # Only assignments in active organisations count (also in selectors.user_for_token).
        prime_scope(
            actor,
            actor.role_assignments.filter(organisation__status="active").values_list(
                "role", "organisation__path"
            ),
        )
        cache = actor._scope_cache
    if capability not in cache:
        cache[capability] = _minimal(
            {
                path
                for role, path in actor._scope_assignments
                if role in ROLES and capability in ROLES[role].capabilities
            }
        )
    return cache[capability]


def prime_scope(actor: Any, assignments: Iterable[tuple[str, str]]) -> None:
    """Give ``actor`` its (role, organisation path) assignments for this request, when the
    caller already read them (the API token lookup does, in the same statement)."""
    actor._scope_assignments = list(assignments)
    actor._scope_cache = {}


def forget_scope(actor: Any) -> None:
    """Drop the cached scope after the actor's own assignments changed."""
    for attribute in ("_scope_cache", "_scope_assignments"):
        if hasattr(actor, attribute):
            delattr(actor, attribute)


def actor_can(actor: Any, capability: str, path: str | None = None) -> bool:
    """Does ``actor`` hold ``capability`` anywhere (``path`` None) or over the node at ``path``?"""
    paths = scope_paths(actor, capability)
    if paths is ALL:
        return True
    if path is None:
        return bool(paths)
    return any(path.startswith(root) for root in paths)


def require_scope(actor: Any, capability: str, path: str, message: str | None = None) -> None:
    """Refuse a write outside the actor's scope (rendered as 404).

    Services call it inside their transaction, so whatever they wrote before is rolled back.
    """
    if not actor_can(actor, capability, path):
        raise ScopeViolation(
            message or _("This record is outside your jurisdiction; nothing was done.")
        )


def scope_filter(actor: Any, capability: str, lookup: str) -> Q | None:
    """A Q object for ``lookup`` paths in the actor's scope; ``None`` = no restriction.

    An actor without the capability gets a filter that matches nothing.
    """
    paths = scope_paths(actor, capability)
    if paths is ALL:
        return None
    if not paths:
        return Q(pk__in=[])
    condition = Q()
    for path in paths:
        condition |= subtree_q(lookup, path)
    return condition


class ScopedQuerySet(models.QuerySet):
    """QuerySet of a model that declares ``scope_path``: the lookup to its organisation's path."""

    def visible_to(self, actor: Any, capability: str) -> ScopedQuerySet:
        condition = scope_filter(actor, capability, self.model.scope_path)
        return self if condition is None else self.filter(condition)

    def get_for_actor(self, actor: Any, capability: str, **lookup: Any) -> Any:
        """One row inside the actor's scope, or 404: a record outside scope does not exist."""
        try:
            return self.visible_to(actor, capability).get(**lookup)
        except self.model.DoesNotExist:
            raise Http404 from None
