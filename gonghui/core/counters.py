"""Case and card numbers from a locked counter row (DESIGN §4: never ``max()+1``)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from gonghui.core.models import Counter


def next_number(key: str, *, start: int = 0) -> int:
    """Return the next value of counter ``key``; must run inside the caller's transaction.

    The conditional UPDATE takes the row lock (PostgreSQL) or the write lock (SQLite) until the
    caller commits, so concurrent callers queue and never share a number.
    """
    with transaction.atomic():
        if not Counter.objects.filter(key=key).update(value=F("value") + 1):
            Counter.objects.get_or_create(key=key, defaults={"value": start})
            Counter.objects.filter(key=key).update(value=F("value") + 1)
        return Counter.objects.values_list("value", flat=True).get(key=key)


def reserve_block(key: str, count: int) -> int:
    """Reserve ``count`` consecutive numbers for a bulk import; returns the first one."""
    with transaction.atomic():
        Counter.objects.get_or_create(key=key, defaults={"value": 0})
        Counter.objects.filter(key=key).update(value=F("value") + count)
        last = Counter.objects.values_list("value", flat=True).get(key=key)
    return last - count + 1
