"""Template context shared by every page: the navigation the user may see."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from gonghui.accounts.scoping import actor_can
from gonghui.core.navigation import CONSOLE_NAV, H5_NAV


def _h5_services() -> list[Any]:
    available = []
    for item in H5_NAV:
        try:
            reverse(item.url_name)
        except NoReverseMatch:
            continue
        available.append(item)
    return available


def navigation(request: HttpRequest) -> dict[str, Any]:
    """``console_nav``: the console entries this user may open; ``h5_services``: worker pages."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"console_nav": [], "h5_services": _h5_services()}
    items = []
    for item in CONSOLE_NAV:
        if not actor_can(user, item.capability):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"label": item.label, "url": url, "icon": item.icon, "active": False})
    # One entry is active: the longest URL the path lies under (the walk-in desk page lies under
    # the appeals list's URL too).
    matching = [entry for entry in items if request.path.startswith(entry["url"])]
    if matching:
        max(matching, key=lambda entry: len(entry["url"]))["active"] = True
    return {"console_nav": items, "h5_services": _h5_services()}
