"""The worker's progress page (/m/join/status): join applications and the member's transfer,
found with ID number and mobile number together."""

from __future__ import annotations

import datetime

from django.urls import reverse

from gonghui.members import services
from gonghui.members.tests.factories import make_id, make_member

MONDAY = datetime.date(2026, 3, 2)


def _status(client, id_number: str, phone: str) -> str:  # type: ignore[no-untyped-def]
    response = client.post(reverse("members:join_status"), {"id_number": id_number, "phone": phone})
    assert response.status_code == 200
    return response.content.decode()


def test_a_pending_transfer_shows_both_unions_and_the_completion_date(client, cast) -> None:
    member = make_member(cast.yz_union, phone="13966667777")
    transfer = services.transfer_request(
        actor=None, membership=member, to_employer=cast.xq_employer, origin="member", today=MONDAY
    )
    body = _status(client, member.person.id_number, "13966667777")
    assert 'data-testid="transfer-status"' in body
    assert cast.yz_union.name in body and cast.xq_union.name in body
    assert "待确认" in body and f"{transfer.auto_complete_on:%Y-%m-%d}" in body
    assert "没有找到" not in body and "未找到" not in body


def test_the_wrong_phone_shows_nothing(client, cast) -> None:
    member = make_member(cast.yz_union, phone="13966667777")
    services.transfer_request(
        actor=None, membership=member, to_employer=cast.xq_employer, origin="member"
    )
    body = _status(client, member.person.id_number, "13900000000")
    assert 'data-testid="transfer-status"' not in body
    assert cast.yz_union.name not in body and cast.xq_union.name not in body


def test_a_pending_transfer_comes_before_an_earlier_rejected_one(client, cast) -> None:
    member = make_member(cast.yz_union, phone="13966667777")
    first = services.transfer_request(
        actor=cast.xq_staff, membership=member, to_organisation=cast.xq_union
    )
    services.transfer_reject(actor=cast.yz_staff, transfer=first, reason="仍在本单位工作")
    body = _status(client, member.person.id_number, "13966667777")
    assert "未通过" in body and "仍在本单位工作" in body
    services.transfer_request(
        actor=None, membership=member, to_employer=cast.xq_employer, origin="member"
    )
    body = _status(client, member.person.id_number, "13966667777")
    assert "待确认" in body and "仍在本单位工作" not in body


def test_a_completed_transfer_says_so(client, cast) -> None:
    member = make_member(cast.yz_union, phone="13966667777")
    transfer = services.transfer_request(
        actor=None, membership=member, to_employer=cast.xq_employer, origin="member"
    )
    services.transfer_confirm(actor=cast.yz_staff, transfer=transfer)
    body = _status(client, member.person.id_number, "13966667777")
    assert "已完成" in body and cast.xq_union.name in body


def test_an_approved_application_shows_the_card_number(client, cast) -> None:
    id_number = make_id(sex="F")
    application = services.join_application_submit(
        name="王小丽",
        id_number=id_number,
        phone="13812345678",
        occupation="courier",
        employer=cast.xq_employer,
    )
    membership = services.join_application_approve(actor=cast.xq_staff, application=application)
    body = _status(client, id_number, "13812345678")
    assert membership.card_number in body and "已通过" in body
