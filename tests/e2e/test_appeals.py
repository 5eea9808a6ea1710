"""12351 appeals in the browser: the operator takes a call and dispatches it with the keyboard,
a county handler works the queue, and a worker files and tracks an appeal on a phone."""

from __future__ import annotations

import datetime
import importlib
from typing import Any

import pytest
from django.apps import apps

from gonghui.appeals import services
from gonghui.appeals.models import Appeal
from gonghui.appeals.tests.conftest import intake_data
from gonghui.testing import PASSWORD
from tests.e2e.conftest import login


@pytest.fixture(autouse=True)
def _appeals_reference_data() -> None:
    """The subjects must exist and the per-process caches must match this test's database
    (a flushed database gets new ids on PostgreSQL)."""
    importlib.import_module("gonghui.appeals.migrations.0002_reference_data").forwards(apps, None)
    services.clear_reference_cache()
    services.forget_case_numbers()


def test_operator_takes_a_call_and_dispatches_it(page: Any, cast: Any) -> None:
    earlier = services.appeal_intake(actor=cast.hotline, channel="phone", data=intake_data())
    login(page, "hotline", PASSWORD)
    page.goto(page.base_url + "/console/appeals/intake/")
    # the cursor starts in the phone field; the caller's earlier appeal shows as it is typed
    page.keyboard.type("13912345678")
    page.get_by_test_id("history").get_by_text(earlier.number).wait_for()
    page.keyboard.press("Tab")
    page.keyboard.type("王晓东")
    page.select_option("[data-testid=f-division]", "640104")
    page.fill("[data-testid=f-facts]", "老板拖欠我们三个月工资，一共两万多元，一直不给。")
    page.get_by_test_id("suggestion").get_by_text("劳动报酬").wait_for()
    page.focus("[data-testid=f-facts]")
    page.keyboard.press("Control+Enter")
    page.get_by_test_id("routing-reason").wait_for()
    assert "属地工会" in page.get_by_test_id("routing-reason").inner_text()
    page.keyboard.press("Enter")  # the suggested union is pre-selected, the button focused
    page.wait_for_url("**/console/appeals/intake/")
    appeal = Appeal.objects.exclude(pk=earlier.pk).get()
    assert appeal.state == "dispatched" and appeal.organisation == cast.xingqing
    assert appeal.subject.code == "wage"


def test_county_handler_works_the_queue(page: Any, cast: Any) -> None:
    def dispatched() -> Appeal:
        appeal = services.appeal_intake(actor=cast.hotline, channel="phone", data=intake_data())
        return services.appeal_dispatch(
            actor=cast.hotline, appeal=appeal, organisation=cast.xingqing
        )

    relaxed, urgent = dispatched(), dispatched()
    Appeal.objects.filter(pk=urgent.pk).update(due_on=datetime.date(2020, 1, 2), flag="red")
    login(page, "xq_staff", PASSWORD)
    page.goto(page.base_url + "/console/appeals/queue/")
    rows = page.get_by_test_id("queue-row")
    assert urgent.number in rows.nth(0).inner_text()
    assert relaxed.number in rows.nth(1).inner_text()
    rows.nth(0).get_by_role("link", name=urgent.number).click()
    page.get_by_test_id("btn-sign").click()
    page.get_by_test_id("btn-start").click()
    page.get_by_test_id("form-reply").locator("textarea").fill("已约谈企业，工资已补发。")
    page.get_by_test_id("form-reply").locator("input[name=wages_recovered]").fill("21000")
    page.get_by_test_id("btn-reply").click()
    page.get_by_test_id("appeal-state").get_by_text("已答复").wait_for()
    page.fill("[data-testid=note-text]", "企业负责人已签字确认")
    page.get_by_test_id("btn-note").click()
    page.get_by_test_id("event-note").wait_for()
    urgent.refresh_from_db()
    assert urgent.state == "replied" and str(urgent.wages_recovered) == "21000.00"


def test_worker_files_and_tracks_on_a_phone(phone_page: Any, cast: Any) -> None:
    page = phone_page
    page.goto(page.base_url + "/m/appeal/")
    page.fill("[data-testid=f-caller_name]", "李娜")
    page.fill("[data-testid=f-phone]", "13800001111")
    page.select_option("[data-testid=f-division]", "640402")
    page.fill("[data-testid=f-facts]", "公司两个月没发工资了，老板说没钱。")
    page.get_by_test_id("h5-submit").dblclick()  # a double tap posts the same form twice
    number = page.get_by_test_id("receipt-number").inner_text().strip()
    assert [a.number for a in Appeal.objects.all()] == [number]
    context = page.context
    context.clear_cookies()
    page.goto(page.base_url + "/m/track/")
    page.fill("[data-testid=f-number]", number)
    page.fill("[data-testid=f-phone]", "13800001111")
    page.get_by_test_id("track-submit").click()
    assert page.get_by_test_id("track-state").inner_text() == "已受理"
    assert "诉求已受理" in page.get_by_test_id("track-timeline").inner_text()


def test_walk_in_desk_reads_the_id_card_and_records_the_visit(page: Any, cast: Any) -> None:
    from gonghui.members.tests.factories import make_id, make_member
    from gonghui.stations.models import Station, StationKind

    station = Station.objects.create(
        code="ST640104001",
        kind=StationKind.objects.order_by("pk").first(),
        name="兴庆区环卫工人驿站",
        address="兴庆区解放东街1号",
        division_id="640104",
        lat=38.47,
        lon=106.28,
        organisation=cast.xingqing,
        status="built",
    )
    id_number = make_id("640104", birth="19880215", sex="F")
    make_member(cast.xq_union, name="马丽", id_number=id_number)
    login(page, "xq_staff", PASSWORD)
    page.goto(page.base_url + "/")
    page.get_by_role("link", name="来访登记").first.click()
    page.wait_for_url("**/console/appeals/walk-in/")
    # the card reader types the number and Enter: the visitor's facts and name come in
    page.keyboard.type(id_number)
    page.keyboard.press("Enter")
    page.get_by_test_id("visitor-member").get_by_text("马丽").wait_for()
    assert "1988-02-15" in page.get_by_test_id("visitor-birth").inner_text()
    assert page.input_value("[data-testid=f-caller_name]") == "马丽"
    assert page.input_value("[data-testid=f-organisation]") == str(cast.xingqing.pk)
    page.fill("[data-testid=f-phone]", "13995001234")
    page.select_option("[data-testid=f-station]", str(station.pk))
    page.select_option("[data-testid=f-division]", "640104")
    page.fill("[data-testid=f-facts]", "公司拖欠我们三个月工资，老板一直不给。")
    page.get_by_test_id("suggestion").get_by_text("劳动报酬").wait_for()
    page.set_input_files(
        "input[name=files]",
        files=[{"name": "工资条.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 x"}],
    )
    page.focus("[data-testid=f-facts]")
    page.keyboard.press("Control+Enter")
    page.get_by_test_id("routing-reason").wait_for()
    appeal = Appeal.objects.get()
    assert appeal.channel == "walk_in" and appeal.station == station
    assert appeal.caller_name == "马丽" and appeal.organisation == cast.xingqing
    assert appeal.attachments.count() == 1


def test_extension_is_requested_by_the_county_and_approved_by_the_hotline(
    page: Any, cast: Any
) -> None:
    appeal = services.appeal_intake(actor=cast.hotline, channel="phone", data=intake_data())
    appeal = services.appeal_dispatch(actor=cast.hotline, appeal=appeal, organisation=cast.xingqing)
    appeal = services.appeal_sign(actor=cast.xq_staff, appeal=appeal)
    before = appeal.reply_due
    login(page, "xq_staff", PASSWORD)
    page.goto(page.base_url + f"/console/appeals/{appeal.number}/")
    form = page.get_by_test_id("form-extension-request")
    form.locator("input[name=days]").fill("5")
    form.locator("input[name=reason]").fill("需要等待劳动仲裁委的鉴定结果")
    page.get_by_test_id("btn-extension-request").click()
    page.get_by_test_id("extension-pending").wait_for()
    page.get_by_test_id("event-ext_requested").wait_for()
    page.goto(page.base_url + "/console/appeals/queue/")
    page.get_by_test_id("flag-extension").first.wait_for()
    page.context.clear_cookies()
    login(page, "hotline", PASSWORD)
    page.goto(page.base_url + "/")
    page.get_by_role("link", name="延期审批").first.click()
    page.get_by_test_id("extension-row").get_by_role("link", name=appeal.number).click()
    page.get_by_test_id("form-extension-approve").locator("input[name=days]").fill("3")
    page.get_by_test_id("btn-extension-approve").click()
    page.get_by_test_id("appeal-state").get_by_text("已延期").wait_for()
    appeal.refresh_from_db()
    assert appeal.state == "extended" and appeal.reply_due > before
    assert not appeal.extension_pending
