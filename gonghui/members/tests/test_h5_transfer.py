"""A member asks for a transfer on the phone (``/m/transfer``): the new employer found by name as
on ``/m/join``, by credit code, or typed as unregistered with its county (→ that county's
federation, the typed name in the note); bad inputs are refused on their fields."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from gonghui.core.models import ChangeRecord
from gonghui.members import throttle
from gonghui.members.models import Membership, Transfer
from gonghui.members.tests.factories import make_member
from gonghui.testing import make_uscc

PHONE = "13966667777"
URL = "members:member_transfer"


@pytest.fixture
def member(cast: Any) -> Membership:
    return make_member(cast.yz_union, phone=PHONE)


def _ask(client: Any, member: Membership, **employer: Any) -> str:
    data = {"id_number": member.person.id_number, "phone": PHONE, "consent": "on"} | employer
    return client.post(reverse(URL), data).content.decode()


def test_page_reuses_the_join_pages_employer_search(client, db) -> None:
    body = client.get(reverse(URL)).content.decode()
    assert f'hx-get="{reverse("members:join_employers")}"' in body
    assert 'id="employer-results"' in body and "members/employer_pick" in body
    assert 'name="employer"' in body and 'name="employer_division"' in body


def test_employer_picked_from_the_search(client, cast, member) -> None:
    found = client.get(reverse("members:join_employers"), {"employer_name": "兴庆鑫盛"})
    assert f'data-employer-id="{cast.xq_employer.pk}"' in found.content.decode()
    body = _ask(client, member, employer=cast.xq_employer.pk, employer_name=cast.xq_employer.name)
    assert 'data-testid="transfer-done"' in body and cast.xq_union.name in body
    transfer = Transfer.objects.get()
    assert transfer.to_organisation == cast.xq_union and transfer.to_employer == cast.xq_employer
    assert transfer.origin == "member"
    member.refresh_from_db()
    assert member.state == "transferring"


@pytest.mark.parametrize("field", ["employer_credit_code", "employer_name"])
def test_credit_code_typed_in_either_box(client, cast, member, field) -> None:
    body = _ask(client, member, **{field: f" {cast.xq_employer.credit_code.lower()} "})
    assert 'data-testid="transfer-done"' in body
    assert Transfer.objects.get().to_employer == cast.xq_employer


def test_exact_name_typed_without_picking(client, cast, member) -> None:
    body = _ask(client, member, employer_name=cast.xq_employer.name)
    assert 'data-testid="transfer-done"' in body
    assert Transfer.objects.get().to_employer == cast.xq_employer


def test_unregistered_employer_goes_to_its_county_federation(client, cast) -> None:
    member = make_member(cast.xq_union, phone=PHONE)
    code = make_uscc(division="640402")
    body = _ask(
        client,
        member,
        employer_name="原州新开奶茶店",
        employer_credit_code=code,
        employer_division="640402",
        reason="三月起在新单位上班",
    )
    assert 'data-testid="transfer-done"' in body and cast.yuanzhou.name in body
    transfer = Transfer.objects.get()
    assert transfer.to_organisation == cast.yuanzhou and transfer.to_employer is None
    # The receiving federation reads the typed employer in the note, then the worker's note.
    assert transfer.reason.startswith("新单位（未登记）：原州新开奶茶店，原州区")
    assert code in transfer.reason and transfer.reason.endswith("备注：三月起在新单位上班")
    record = ChangeRecord.objects.get(verb="transfer_request")
    assert record.after["consent"] is True


def test_unregistered_employer_without_code_or_note(client, cast) -> None:
    member = make_member(cast.xq_union, phone=PHONE)
    _ask(client, member, employer_name="原州新开奶茶店", employer_division="640402")
    transfer = Transfer.objects.get()
    assert transfer.to_organisation == cast.yuanzhou
    assert transfer.reason == "新单位（未登记）：原州新开奶茶店，原州区"


@pytest.mark.parametrize(
    ("employer", "field", "message"),
    [
        ({}, "新单位：", "请在列表中找到您的新单位"),
        ({"employer_name": "原州新开奶茶店"}, "新单位所在区（县）：", "请选择新单位所在的区（县）"),
        ({"employer_division": "640402"}, "新单位：", "请在列表中找到您的新单位"),
        (
            {
                "employer_name": "某店",
                "employer_division": "640402",
                "employer_credit_code": "91ABC",
            },
            "新单位统一社会信用代码：",
            "统一社会信用代码",
        ),
        (
            {"employer_name": "某店", "employer_division": "999999"},
            "新单位所在区（县）：",
            "",
        ),
    ],
)
def test_bad_employer_is_refused_on_its_field(client, member, employer, field, message) -> None:
    body = _ask(client, member, **employer)
    assert f"{field}{message}" in body
    assert 'data-testid="transfer-done"' not in body and not Transfer.objects.exists()


def test_bad_identity_and_employer_are_reported_together(client, cast, member) -> None:
    body = client.post(
        reverse(URL), {"id_number": "640402", "phone": "123", "consent": "on"}
    ).content.decode()
    assert "身份证号：" in body and "手机号：" in body and "新单位：" in body
    assert not Transfer.objects.exists()


def test_wrong_mobile_finds_no_membership(client, cast, member) -> None:
    data = {"employer_credit_code": cast.xq_employer.credit_code, "phone": "13900001111"}
    body = client.post(
        reverse(URL), {"id_number": member.person.id_number, "consent": "on"} | data
    ).content.decode()
    assert "没有找到与该身份证号和手机号匹配的会籍" in body and not Transfer.objects.exists()


def test_transfer_page_is_rate_limited(client, cast, member, monkeypatch) -> None:
    monkeypatch.setattr(throttle, "STATUS_LIMIT", (1, 60))
    _ask(client, member, employer_name="无此单位")  # uses the one attempt
    body = _ask(client, member, employer_credit_code=cast.xq_employer.credit_code)
    assert "过于频繁" in body and not Transfer.objects.exists()
