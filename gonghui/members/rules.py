"""Pure rules of the member registry (no ORM)."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

from gonghui.members.choices import LIVE_STATES, NEW_EMPLOYMENT_FORM_OCCUPATIONS

CARD_NUMBER_WIDTH = 10
JOIN_REVIEW_WORKING_DAYS = 3


@lru_cache(maxsize=65536)
def name_initials(name: str) -> str:
    """Pinyin initials of a name, lower case: 张宏伟 → "zhw"; Latin letters are kept, other
    characters dropped, so "zhw" finds 张宏伟 by prefix."""
    letters = lazy_pinyin(name.strip(), style=Style.FIRST_LETTER, errors="ignore")
    return "".join(ch for part in letters for ch in part.lower() if ch.isascii() and ch.isalnum())


def is_new_employment_form(occupation: str) -> bool:
    """Is the occupation one of the eight new-employment-form groups (八大群体)?"""
    return occupation in NEW_EMPLOYMENT_FORM_OCCUPATIONS


def is_live(state: str) -> bool:
    """Does a membership in this state count as the person's one membership?"""
    return state in LIVE_STATES


def format_card_number(value: int) -> str:
    return str(value).zfill(CARD_NUMBER_WIDTH)


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix`` (binary order),
    so that a prefix search is the index range [prefix, bound)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)
