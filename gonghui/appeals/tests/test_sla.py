"""appeals_check_sla: flags on the holiday calendar, reminders and supervision exactly once."""

from __future__ import annotations

import datetime
import io
import json

import pytest
import time_machine
from django.core.management import call_command

from gonghui.appeals import services, sla
from gonghui.appeals.choices import EventKind
from gonghui.appeals.models import Appeal, AppealAlert
from gonghui.core.models import CalendarOverride
from gonghui.core.workdays import clear_cache
from gonghui.testing import make_user

pytestmark = pytest.mark.django_db


def _run(day: datetime.date) -> str:
    out = io.StringIO()
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC)):
        call_command("appeals_check_sla", stdout=out)
    return out.getvalue()


@pytest.fixture
def due_before_national_day(cast, at_county):  # type: ignore[no-untyped-def]
    """Signed, reply due Tuesday 30 Sep 2025 — the day before the National Day holiday."""
    appeal = services.appeal_sign(actor=cast.xq_staff, appeal=at_county)
    Appeal.objects.filter(pk=appeal.pk).update(
        due_on=datetime.date(2025, 9, 30), reply_due=datetime.date(2025, 9, 30)
    )
    return appeal


def _flag(appeal: Appeal) -> tuple[str, bool]:
    appeal.refresh_from_db()
    return appeal.flag, appeal.supervised


def test_yellow_red_supervision_on_the_holiday_calendar(cast, due_before_national_day) -> None:
    appeal = due_before_national_day
    leader_city = make_user("yc_leader", "leader", cast.yinchuan)
    # Friday 26 Sep: 28 Sep (Sunday) is a make-up working day, so 3 working days remain.
    _run(datetime.date(2025, 9, 26))
    assert _flag(appeal) == ("", False)
    _run(datetime.date(2025, 9, 29))
    assert _flag(appeal) == ("yellow", False)
    _run(datetime.date(2025, 10, 1))
    assert _flag(appeal) == ("red", False)
    assert appeal.events.filter(kind=EventKind.REMINDER).count() == 1
    # Working days after the deadline: 9, 10, 11 (make-up Saturday), 13, 14 → not yet on the 14th.
    _run(datetime.date(2025, 10, 14))
    assert _flag(appeal) == ("red", False)
    _run(datetime.date(2025, 10, 15))
    assert _flag(appeal) == ("red", True)
    assert appeal.events.filter(kind=EventKind.SUPERVISION).count() == 1
    # the level above (银川) is told
    assert AppealAlert.objects.filter(appeal=appeal, user=leader_city).exists()


def test_running_twice_changes_nothing_more(cast, due_before_national_day) -> None:
    appeal = due_before_national_day
    first = _run(datetime.date(2025, 10, 20))
    second = _run(datetime.date(2025, 10, 20))
    assert "red=1 supervised=1" in first
    assert "red=0 supervised=0" in second
    assert appeal.events.filter(kind=EventKind.REMINDER).count() == 1
    assert appeal.events.filter(kind=EventKind.SUPERVISION).count() == 1


def test_a_concurrent_run_loses_the_claim(cast, due_before_national_day) -> None:
    """Two runs that both listed the row: only the one whose UPDATE claims it writes an event."""
    appeal = due_before_national_day
    today = datetime.date(2025, 10, 9)
    assert sla.claim_red(appeal.pk, today) is True
    assert sla.claim_red(appeal.pk, today) is False
    assert appeal.events.filter(kind=EventKind.REMINDER).count() == 1


def test_calendar_override_moves_the_flag(cast, due_before_national_day) -> None:
    appeal = due_before_national_day
    # On Sunday 28 Sep (a make-up working day) the 29th and 30th remain: 2 days, no flag...
    _run(datetime.date(2025, 9, 28))
    assert _flag(appeal)[0] == ""
    # ...until the admin declares Monday 29 Sep a holiday: then only the 30th remains.
    CalendarOverride.objects.create(day=datetime.date(2025, 9, 29), is_workday=False)
    clear_cache()
    _run(datetime.date(2025, 9, 28))
    assert _flag(appeal)[0] == "yellow"


def test_replied_appeals_are_not_flagged(cast, due_before_national_day) -> None:
    appeal = services.appeal_reply(
        actor=cast.xq_staff, appeal=due_before_national_day, reply="已办理"
    )
    _run(datetime.date(2025, 10, 20))
    assert _flag(appeal) == ("", False)


def test_classify_command_prints_one_line_per_input(tmp_path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        "\n".join(
            json.dumps(row, ensure_ascii=False)
            for row in [
                {"id": 1, "text": "老板拖欠了我们三个月的工资"},
                {"id": "b", "text": "我想加入工会，怎么办理入会手续"},
                {"id": 3, "text": ""},
            ]
        ),
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("appeals_classify", str(source), stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in rows] == [1, "b", 3]
    assert rows[0]["category"] == "wage" and 0 < rows[0]["confidence"] <= 1
    assert rows[1]["category"] == "membership"
    assert "error" in rows[2]
