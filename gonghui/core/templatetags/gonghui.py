"""Template helpers shared by every app."""

from typing import Any

from django import template

from gonghui.core import pii

register = template.Library()


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    return mapping.get(key, "") if mapping else ""


@register.filter
def masked(value: str | None, kind: str) -> str:
    """``{{ member.phone|masked:"phone" }}``: the masked form of a personal-data value."""
    return pii.MASKERS[kind](value)
