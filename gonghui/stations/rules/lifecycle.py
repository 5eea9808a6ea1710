"""The station lifecycle: planned → built → accepted → suspended → closed (pure rules)."""

from __future__ import annotations

from typing import Any

from gonghui.stations.choices import StationStatus as S

# action: (statuses it may start from, capability needed)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "build": (frozenset({S.PLANNED}), "station.manage"),
    "accept": (frozenset({S.BUILT}), "station.accept"),
    "suspend": (frozenset({S.BUILT, S.ACCEPTED}), "station.manage"),
    "resume": (frozenset({S.SUSPENDED}), "station.manage"),
    "close": (frozenset({S.PLANNED, S.BUILT, S.ACCEPTED, S.SUSPENDED}), "station.manage"),
}


def target_status(action: str, *, was_accepted: bool) -> str:
    """Where ``action`` leads; resuming returns to accepted if the station had been accepted."""
    if action == "resume":
        return S.ACCEPTED if was_accepted else S.BUILT
    return {"build": S.BUILT, "accept": S.ACCEPTED, "suspend": S.SUSPENDED, "close": S.CLOSED}[
        action
    ]


def allowed_actions(status: str) -> list[str]:
    return [action for action, (sources, _cap) in TRANSITIONS.items() if status in sources]


def missing_acceptance_items(template: list[dict[str, Any]], results: dict[str, Any]) -> list[str]:
    """Labels of required checklist items that are not ticked."""
    return [
        str(item.get("label", item["code"]))
        for item in template
        if item.get("required", True) and not results.get(item["code"])
    ]
