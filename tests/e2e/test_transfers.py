"""Membership transfers (会籍接转) in the browser: a worker who changed jobs finds the new employer
by name on a phone and the old union confirms in the console; one whose new employer is not
registered types it with its county; a new union asks for a member and the old one sends the
request back with a reason."""

from __future__ import annotations

from typing import Any

from gonghui.members.models import Membership, MembershipEvent, Transfer
from gonghui.members.tests.factories import make_id, make_member
from gonghui.testing import PASSWORD
from tests.e2e.conftest import login


def test_worker_asks_on_a_phone_and_the_old_union_confirms(
    phone_page: Any, page: Any, cast: Any
) -> None:
    id_number = make_id("640402", sex="M")
    member = make_member(cast.yz_union, name="马强", id_number=id_number, phone="13995007788")
    phone_page.goto(phone_page.base_url + "/m/transfer")
    phone_page.fill("input[name=id_number]", id_number)
    phone_page.fill("input[name=phone]", "13995007788")
    # Workers rarely know the credit code: the employer is found by name, as when joining.
    phone_page.locator("input[name=employer_name]").press_sequentially("兴庆鑫盛", delay=30)
    suggestion = phone_page.get_by_test_id("employer-results").locator(".js-pick-employer").first
    suggestion.wait_for()
    suggestion.click()
    assert phone_page.input_value("input[name=employer_name]") == cast.xq_employer.name
    phone_page.get_by_role("button", name="申请接转").click()
    assert "勾选" in phone_page.get_by_test_id("consent-error").inner_text()
    assert not Transfer.objects.exists()
    assert "原工会" in phone_page.get_by_test_id("privacy-notice").inner_text()
    phone_page.get_by_label("我已阅读并同意").check()
    phone_page.get_by_role("button", name="申请接转").click()
    done = phone_page.get_by_test_id("transfer-done")
    assert cast.xq_union.name in done.inner_text()
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    transfer = Transfer.objects.get()
    assert transfer.to_organisation == cast.xq_union and transfer.origin == "member"
    assert transfer.to_employer == cast.xq_employer

    login(page, "yz_staff", PASSWORD)  # the old union decides
    page.goto(page.base_url + "/console/members/transfers/?direction=out")
    page.get_by_test_id("transfer-table").get_by_role("link", name="马强").click()
    assert page.get_by_test_id("transfer-state").inner_text() == "待确认"
    page.get_by_test_id("confirm-transfer").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("transfer-state").inner_text() == "已完成"
    membership = Membership.objects.get(pk=member.pk)
    assert membership.organisation == cast.xq_union and membership.state == "active"
    assert membership.employer == cast.xq_employer

    # The new union sees the member with the move on the timeline.
    page.context.clear_cookies()
    login(page, "xq_staff", PASSWORD)
    page.goto(page.base_url + f"/console/members/{member.pk}/")
    timeline = page.get_by_test_id("member-timeline").inner_text()
    assert "申请接转" in timeline and "接转完成" in timeline
    assert page.get_by_test_id("member-state").inner_text() == "有效"


def test_new_union_asks_and_the_old_union_sends_it_back(page: Any, cast: Any) -> None:
    id_number = make_id("640402", sex="F")
    member = make_member(cast.yz_union, name="苏梅", id_number=id_number)
    login(page, "xq_staff", PASSWORD)
    page.goto(page.base_url + "/console/members/transfers/new/")
    page.fill("input[name=id_number]", id_number)
    page.fill("input[name=name]", "苏敏")  # a wrong name: nothing tells whether she is a member
    page.fill("input[name=to_organisation]", cast.xq_union.code)
    page.get_by_role("button", name="申请转入").click()
    assert "身份证号与姓名不匹配" in page.locator("form.gh-w-720").inner_text()
    assert not Transfer.objects.exists()
    page.fill("input[name=name]", "苏梅")
    page.get_by_role("button", name="申请转入").click()
    page.wait_for_url("**/console/members/transfers/*/")
    assert page.get_by_test_id("transfer-state").inner_text() == "待确认"

    page.context.clear_cookies()
    login(page, "yz_staff", PASSWORD)  # the old union decides
    page.goto(page.base_url + f"/console/members/transfers/{Transfer.objects.get().pk}/")
    page.fill("textarea[name=reason]", "该会员仍在本单位工作，未办理离职。")
    page.get_by_role("button", name="退回").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("transfer-state").inner_text() == "未通过"
    assert "该会员仍在本单位工作" in page.content()
    membership = Membership.objects.get(pk=member.pk)
    assert membership.organisation == cast.yz_union and membership.state == "active"
    assert MembershipEvent.objects.filter(membership=member, kind="transfer_rejected").exists()


def test_worker_follows_the_transfer_on_the_status_page(
    phone_page: Any, page: Any, cast: Any
) -> None:
    id_number = make_id("640402", sex="F")
    make_member(cast.yz_union, name="马兰", id_number=id_number, phone="13995008899")
    phone_page.goto(phone_page.base_url + "/m/transfer")
    phone_page.fill("input[name=id_number]", id_number)
    phone_page.fill("input[name=phone]", "13995008899")
    phone_page.fill("input[name=employer_credit_code]", cast.xq_employer.credit_code)
    phone_page.get_by_label("我已阅读并同意").check()
    phone_page.get_by_role("button", name="申请接转").click()
    phone_page.get_by_role("link", name="查询接转进度").click()

    def check_status() -> str:
        phone_page.fill("input[name=id_number]", id_number)
        phone_page.fill("input[name=phone]", "13995008899")
        phone_page.get_by_role("button", name="查询").click()
        return phone_page.get_by_test_id("transfer-status").inner_text()

    status = check_status()
    transfer = Transfer.objects.get()
    assert "待确认" in status and f"{transfer.auto_complete_on:%Y-%m-%d}" in status
    assert cast.yz_union.name in status and cast.xq_union.name in status
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    login(page, "yz_staff", PASSWORD)  # the old union confirms
    page.goto(page.base_url + f"/console/members/transfers/{transfer.pk}/")
    page.get_by_test_id("confirm-transfer").click()
    page.wait_for_load_state()

    phone_page.goto(phone_page.base_url + "/m/join/status")
    status = check_status()
    assert "已完成" in status and cast.xq_union.name in status


def test_worker_types_an_unregistered_employer_with_its_county(phone_page: Any, cast: Any) -> None:
    id_number = make_id("640104", sex="M")
    make_member(cast.xq_union, name="杨帆", id_number=id_number, phone="13995006655")
    phone_page.goto(phone_page.base_url + "/m/transfer")
    phone_page.fill("input[name=id_number]", id_number)
    phone_page.fill("input[name=phone]", "13995006655")
    phone_page.locator("input[name=employer_name]").press_sequentially("原州新开奶茶", delay=30)
    # Nothing registered by that name: the search says to keep it and choose the county.
    phone_page.get_by_test_id("employer-results").get_by_text("未找到").wait_for()
    phone_page.get_by_label("我已阅读并同意").check()
    phone_page.get_by_role("button", name="申请接转").click()
    assert "新单位所在区（县）：" in phone_page.get_by_test_id("transfer-form").inner_text()
    assert phone_page.input_value("input[name=employer_name]") == "原州新开奶茶"
    phone_page.select_option("select[name=employer_division]", "640402")
    phone_page.get_by_label("我已阅读并同意").check()
    phone_page.get_by_role("button", name="申请接转").click()
    assert cast.yuanzhou.name in phone_page.get_by_test_id("transfer-done").inner_text()
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    transfer = Transfer.objects.get()
    assert transfer.to_organisation == cast.yuanzhou and transfer.to_employer is None
    assert "原州新开奶茶" in transfer.reason
