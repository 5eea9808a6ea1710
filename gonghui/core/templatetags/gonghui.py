"""Template helpers shared by every app."""

from typing import Any

from django import template

from gonghui.core import pii
from gonghui.core.navigation import NavBadge, nav_badges

register = template.Library()


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    return mapping.get(key, "") if mapping else ""


@register.filter
def masked(value: str | None, kind: str) -> str:
    """``{{ member.phone|masked:"phone" }}``: the masked form of a personal-data value."""
    return pii.MASKERS[kind](value)


@register.simple_tag(takes_context=True)
def console_badges(context: template.Context) -> dict[str, NavBadge]:
    """``{% console_badges as badges %}``: the to-do counts of the console's navigation entries
    for the request's user, by entry URL (``core.navigation.nav_badges``), computed once a
    request and only on the pages that show them."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    badges: dict[str, NavBadge] | None = getattr(request, "_console_badges", None)
    if badges is None:
        badges = nav_badges(user)
        request._console_badges = badges  # type: ignore[union-attr]
    return badges
