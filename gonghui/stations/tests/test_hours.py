"""Opening hours as a federation clerk types them: the weekly-schedule parser, its formatter
(round trips under hypothesis) and the spreadsheet import of weekly schedules."""

from __future__ import annotations

import io

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gonghui.stations import importing
from gonghui.stations.models import Station
from gonghui.stations.rules import hours

WEEKDAYS = [["08:00", "20:00"]]
WEEKEND = [["09:00", "17:00"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("周一至周五 08:00-20:00；周六、周日 09:00-17:00", [WEEKDAYS] * 5 + [WEEKEND] * 2),
        ("周一到周五：8:00-20:00;周六,周日 9:00-17:00", [WEEKDAYS] * 5 + [WEEKEND] * 2),
        ("工作日 08:00-20:00\n周末 09:00-17:00", [WEEKDAYS] * 5 + [WEEKEND] * 2),
        (
            "星期一-星期五 ０８：００－２０：００；礼拜六、礼拜天 09:00~17:00",
            [WEEKDAYS] * 5 + [WEEKEND] * 2,
        ),
        ("每天 07:00-22:00", [[["07:00", "22:00"]]] * 7),
        ("07:00-22:00", [[["07:00", "22:00"]]] * 7),
        (
            "周一至周六 08:00-12:00 14:00 - 18:00；周日 休息",
            [[["08:00", "12:00"], ["14:00", "18:00"]]] * 6 + [[]],
        ),
        ("周三 08:00-20:00", [[], [], WEEKDAYS, [], [], [], []]),
        ("周五至周一 20:00-06:00", [[["20:00", "06:00"]]] + [[]] * 3 + [[["20:00", "06:00"]]] * 3),
        ("周六、周日 24小时；周一至周五 08:00-20:00", [WEEKDAYS] * 5 + [[["00:00", "24:00"]]] * 2),
        ("Mon-Fri 08:00-20:00; Sat 09:00-17:00; Sun closed", [WEEKDAYS] * 5 + [WEEKEND, []]),
        # shorthand and commas between parts, as typed in a hurry
        ("周一至五 08:00-20:00，周六日 09:00-17:00", [WEEKDAYS] * 5 + [WEEKEND] * 2),
        (
            "周一、三、五 08:00-20:00 周二、四 09:00-17:00",
            [WEEKDAYS, WEEKEND] * 2 + [WEEKDAYS, [], []],
        ),
        ("周一至周五 08:00-20:00、周六 休息, 周日 09:00-17:00", [WEEKDAYS] * 5 + [[], WEEKEND]),
    ],
)
def test_weekly_schedules_as_typed(text, expected):
    assert hours.parse_hours_text(text) == (expected, False)


@pytest.mark.parametrize("text", ["24小时", "24h", "全天", "每天 24小时", "周一至周日 00:00-24:00"])
def test_round_the_clock(text):
    assert hours.parse_hours_text(text) == ([[] for _ in range(7)], True)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("白天", "无法识别开放时间“白天”"),
        ("周八 08:00-20:00", "无法识别开放时间“周八 08:00-20:00”"),
        ("周一至周五、节假日 09:00-17:00", "中的“、节假日 09:00-17:00”"),
        ("周一至周五 8点-20点", "中的“8点-20点”"),
        ("08:00-20:00；周六 休息", "请写明“08:00-20:00”适用于哪几天"),
        ("周一至周五 08:00-20:00；周五 09:00-12:00", "周五出现了不止一次"),
        ("周一 25:00-26:00", "时间“25:00”应为“时:分”格式"),
        ("周一 08:00-08:00", "开始和结束时间不能相同"),
        ("", "缺少开放时间"),
    ],
)
def test_unreadable_hours_are_explained_in_chinese(text, message):
    with pytest.raises(hours.HoursError) as caught:
        hours.parse_hours_text(text)
    assert message in str(caught.value)


def test_formatter_groups_days_as_a_clerk_would():
    schedule = [WEEKDAYS] * 5 + [WEEKEND] * 2
    assert hours.format_hours(schedule, False) == "周一至周五 08:00-20:00；周六、周日 09:00-17:00"
    assert hours.format_hours([[["07:00", "22:00"]]] * 7, False) == "每天 07:00-22:00"
    assert hours.format_hours([[] for _ in range(7)], True) == "24小时"
    odd = [WEEKDAYS, WEEKDAYS, WEEKDAYS, [], WEEKDAYS, [], WEEKEND]
    assert (
        hours.format_hours(odd, False)
        == "周一至周三、周五 08:00-20:00；周四、周六 休息；周日 09:00-17:00"
    )


times = st.integers(0, 1440).map(hours._fmt)
intervals = st.tuples(times, times).filter(lambda iv: iv[0] != iv[1]).map(list)
# few distinct day patterns, so that grouping, runs and 休息 all occur
patterns = st.lists(st.lists(intervals, max_size=3), min_size=1, max_size=3)
schedules = patterns.flatmap(
    lambda ps: st.lists(st.sampled_from(ps), min_size=7, max_size=7)
).filter(lambda s: not all(day == [["00:00", "24:00"]] for day in s))


@settings(max_examples=400, deadline=None)
@given(schedules)
def test_format_then_parse_gives_the_schedule_back(schedule):
    assert hours.parse_hours_text(hours.format_hours(schedule, False)) == (schedule, False)


@settings(max_examples=300, deadline=None)
@given(
    schedules,
    st.sampled_from(["；", ";", "\n", "，", " "]),
    st.sampled_from([" ", "：", "", "  "]),
    st.booleans(),
)
def test_clerk_variants_of_the_formatted_text_read_back(schedule, part_sep, day_sep, wide):
    """Other separators between parts and after the days, and full-width characters (Excel's
    Chinese input), read back to the same schedule."""
    text = hours.format_hours(schedule, False)
    text = "".join(
        piece.replace(" ", day_sep, 1) + (part_sep if i < text.count("；") else "")
        for i, piece in enumerate(text.split("；"))
    )
    if wide:  # full-width digits, colon and hyphen
        text = text.translate(str.maketrans("0123456789:-", "０１２３４５６７８９：－"))
    assert hours.parse_hours_text(text) == (schedule, False)


@settings(max_examples=300, deadline=None)
@given(schedules)
def test_display_text_reads_back_too(schedule):
    assert hours.parse_hours_text(hours.hours_text(schedule, False)) == (schedule, False)


@settings(max_examples=200, deadline=None)
@given(schedules, st.booleans())
def test_parse_then_format_is_stable(schedule, is_24h):
    text = hours.format_hours(schedule, is_24h)
    assert hours.format_hours(*hours.parse_hours_text(text)) == text


# --- the import ---------------------------------------------------------------------------------

HEADER = ["站点名称", "类型", "地址", "区划代码", "纬度", "经度", "主办工会编码", "营业时间"]


def _xlsx(cast, hours_cells):
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    for i, cell in enumerate(hours_cells):
        book.active.append(
            [
                f"兴庆第{i + 1}驿站",
                "outdoor",
                "文化街1号",
                "640104",
                38.468,
                106.29,
                cast.xingqing.code,
                cell,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_import_reads_weekly_schedules_from_the_hours_column(cast):
    cells = ["周一至周五 08:00-20:00；周六、周日 09:00-17:00", "每天 07:00-22:00", "24小时"]
    result = importing.import_stations(
        actor=cast.xq_staff, upload=_xlsx(cast, cells), filename="s.xlsx"
    )
    assert result.ok, result.errors
    first, second, third = (Station.objects.get(name=f"兴庆第{i}驿站") for i in (1, 2, 3))
    assert first.schedule == [WEEKDAYS] * 5 + [WEEKEND] * 2 and not first.is_24h
    assert second.schedule == [[["07:00", "22:00"]]] * 7
    assert third.is_24h
    assert hours.format_hours(first.schedule, first.is_24h) == cells[0]


@pytest.mark.django_db
def test_import_with_an_unreadable_schedule_names_row_and_column_and_stores_nothing(cast):
    cells = ["周一至周五 08:00-20:00", "周一至周五 08:00-20:00；周末 9点到5点", "周日 休息"]
    result = importing.import_stations(
        actor=cast.xq_staff, upload=_xlsx(cast, cells), filename="s.xlsx"
    )
    assert not result.ok
    assert result.errors[0].startswith("第3行，营业时间：")
    assert "9点到5点" in result.errors[0]
    assert result.errors[1].startswith("第4行，营业时间：") and "从不开放" in result.errors[1]
    assert len(result.errors) == 2
    assert Station.objects.count() == 0


def test_one_day_of_the_console_form():
    assert hours.parse_day_hours("08:00-12:00，14:00-18:00") == [
        ["08:00", "12:00"],
        ["14:00", "18:00"],
    ]
    assert hours.parse_day_hours("24小时") == [["00:00", "24:00"]]
    assert hours.parse_day_hours("休息") == []
    with pytest.raises(hours.HoursError, match="应写作08:00-20:00"):
        hours.parse_day_hours("周一 08:00-20:00")
