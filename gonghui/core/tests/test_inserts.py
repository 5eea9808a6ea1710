"""``core.inserts.insert`` stores a row exactly as ``save()`` would, with a statement built once."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.db.models.signals import post_save, pre_save
from django.forms.models import model_to_dict

from gonghui.appeals.models import Appeal, AppealEvent
from gonghui.core import inserts
from gonghui.core.models import CalendarOverride, ChangeRecord

pytestmark = pytest.mark.django_db


def _record(**extra: object) -> ChangeRecord:
    return ChangeRecord(
        actor_name="yc_staff",
        request_id="a" * 32,
        ip_address="10.1.2.3",
        action=ChangeRecord.Action.CREATE,
        verb="appeal_intake",
        object_type="appeals.appeal",
        object_id="17",
        object_repr="NX2026-000017 张宏伟",
        after={"number": "NX2026-000017", "subject": "wage", "金额": 1200.5},
        **extra,
    )


def test_row_equals_what_save_stores() -> None:
    fast = inserts.insert(_record())
    slow = _record()
    slow.save()
    assert fast.pk is not None and fast.pk != slow.pk and not fast._state.adding
    stored_fast = ChangeRecord.objects.get(pk=fast.pk)
    stored_slow = ChangeRecord.objects.get(pk=slow.pk)
    assert model_to_dict(stored_fast, exclude=["id"]) == model_to_dict(stored_slow, exclude=["id"])
    assert stored_fast.after == {"number": "NX2026-000017", "subject": "wage", "金额": 1200.5}
    # auto_now_add was applied, as save() does.
    assert abs(stored_fast.created_at - stored_slow.created_at) < datetime.timedelta(seconds=5)


def test_statement_is_built_once_per_model() -> None:
    inserts._statement.cache_clear()
    for _ in range(3):
        inserts.insert(_record())
    info = inserts._statement.cache_info()
    assert (info.misses, info.hits) == (1, 2)
    assert ChangeRecord.objects.count() == 3


def test_unique_violation_raises_and_leaves_nothing() -> None:
    day = datetime.date(2026, 10, 9)
    inserts.insert(CalendarOverride(day=day, is_workday=True, note="调休"))
    with pytest.raises(IntegrityError), transaction.atomic():
        inserts.insert(ChangeRecord(action="create", object_type="x", object_id="1"))
        inserts.insert(CalendarOverride(day=day, is_workday=False))
    assert CalendarOverride.objects.get().note == "调休"
    assert not ChangeRecord.objects.filter(object_type="x").exists()


@pytest.mark.parametrize("model", [Appeal, AppealEvent, ChangeRecord])
def test_models_written_by_insert_have_no_save_signals(model: type) -> None:
    """insert() sends no signals; a receiver added on these models would silently miss rows."""
    assert not pre_save.has_listeners(model) and not post_save.has_listeners(model)
