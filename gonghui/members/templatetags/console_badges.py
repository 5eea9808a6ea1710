"""``{% console_badges as badges %}``: the to-do counts of the console's navigation entries for
the request's user, by entry URL (``core.navigation.nav_badges``), computed once a request."""

from __future__ import annotations

from django import template

from gonghui.core.navigation import NavBadge, nav_badges

register = template.Library()


@register.simple_tag(takes_context=True)
def console_badges(context: template.Context) -> dict[str, NavBadge]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    badges: dict[str, NavBadge] | None = getattr(request, "_console_badges", None)
    if badges is None:
        badges = nav_badges(user)
        request._console_badges = badges  # type: ignore[union-attr]
    return badges
