"""Helpers every spreadsheet export uses."""

from __future__ import annotations

from typing import Any

# A cell starting with one of these is run as a formula by Excel and WPS (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: Any) -> Any:
    """Exported text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
