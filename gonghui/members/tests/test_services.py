"""Joining, review, state changes and transfers, through the services."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from gonghui.core.errors import Conflict, ScopeViolation
from gonghui.core.models import ChangeRecord
from gonghui.core.workdays import add_working_days
from gonghui.members import services
from gonghui.members.models import JoinApplication, Membership, Person, Transfer
from gonghui.members.selectors import application_status, member_count
from gonghui.members.tests.factories import make_id, make_member
from gonghui.testing import make_employer

MONDAY = datetime.date(2026, 3, 2)


def _apply(employer=None, **extra) -> JoinApplication:  # type: ignore[no-untyped-def]
    data = {
        "name": "王小丽",
        "id_number": make_id(sex="F"),
        "phone": "13812345678",
        "occupation": "delivery_rider",
        "employer": employer,
        "today": MONDAY,
    } | extra
    return services.join_application_submit(**data)


def test_application_routed_to_employer_union_with_deadline(cast) -> None:
    application = _apply(cast.xq_employer)
    assert application.organisation == cast.xq_union
    assert application.due_on == add_working_days(MONDAY, 3) == datetime.date(2026, 3, 5)
    assert application.sex == "F"
    record = ChangeRecord.objects.get(verb="join_application_submit")
    assert record.after["id_number"] == "***" and "13812345678" not in str(record.after)


def test_new_employer_without_union_goes_to_county_federation(cast) -> None:
    uncovered = make_employer("金凤无工会商贸公司", cast.jinfeng)
    assert _apply(uncovered).organisation == cast.jinfeng


def test_typed_employer_needs_a_division_then_routes_there(cast) -> None:
    from gonghui.core.models import Division

    with pytest.raises(ValidationError) as raised:
        _apply(employer_name="新开的奶茶店")
    assert "employer_division" in raised.value.message_dict
    application = _apply(
        employer_name="新开的奶茶店", employer_division=Division.objects.get(pk="640402")
    )
    assert application.organisation == cast.yuanzhou
    assert application.employer is None and application.employer_name == "新开的奶茶店"


def test_typed_credit_code_finds_the_known_employer(cast) -> None:
    application = _apply(
        employer_name="whatever", employer_credit_code=cast.yz_employer.credit_code
    )
    assert application.employer == cast.yz_employer
    assert application.organisation == cast.yz_union


def test_bad_input_names_each_field_in_chinese(cast) -> None:
    with pytest.raises(ValidationError) as raised:
        services.join_application_submit(
            name="", id_number="640104199001011231", phone="12345", occupation="pilot"
        )
    errors = raised.value.message_dict
    assert set(errors) == {"name", "id_number", "phone", "occupation"}
    assert "校验" in errors["id_number"][0]


def test_applicant_under_sixteen_is_refused_on_the_id_number_field(cast) -> None:
    with pytest.raises(ValidationError) as raised:
        _apply(cast.xq_employer, id_number=make_id(birth="20100303"))  # 16 on 2026-03-03
    assert raised.value.message_dict == {"id_number": ["年满16周岁的职工方可入会。"]}
    assert _apply(cast.xq_employer, id_number=make_id(birth="20100302")).sex == "M"


def test_already_member_is_told_to_transfer_without_the_union(cast) -> None:
    member = make_member(cast.yz_union)
    with pytest.raises(ValidationError) as raised:
        _apply(cast.xq_employer, id_number=member.person.id_number)
    message = raised.value.message_dict["id_number"][0]
    assert "接转" in message
    assert cast.yz_union.name not in message and "原州" not in message
    assert not JoinApplication.objects.exists()


def test_approve_makes_active_member_with_card_and_event(cast) -> None:
    application = _apply(cast.xq_employer)
    membership = services.join_application_approve(
        actor=cast.xq_staff, application=application, today=MONDAY
    )
    assert membership.state == "active" and membership.organisation == cast.xq_union
    assert membership.card_number and len(membership.card_number) == 10
    assert membership.person.name_initials == "wxl"
    # The timeline starts with the application, at the time the worker sent it.
    applied, joined = membership.events.order_by("at", "pk")
    assert (applied.kind, joined.kind) == ("applied", "joined")
    assert applied.at == application.created_at and applied.actor is None
    assert joined.actor == cast.xq_staff
    application.refresh_from_db()
    assert application.state == "approved" and application.membership == membership
    assert ChangeRecord.objects.filter(
        verb="membership_create", object_id=str(membership.pk)
    ).exists()
    with pytest.raises(Conflict):
        services.join_application_approve(actor=cast.xq_staff, application=application)
    other = services.join_application_approve(
        actor=cast.xq_staff, application=_apply(cast.xq_employer)
    )
    assert other.card_number != membership.card_number


def test_review_outside_scope_is_refused(cast) -> None:
    application = _apply(cast.xq_employer)
    with pytest.raises(ScopeViolation):
        services.join_application_approve(actor=cast.yz_staff, application=application)
    application.refresh_from_db()
    assert application.state == "pending" and not Membership.objects.exists()


def test_reject_needs_reason_and_worker_sees_it(cast) -> None:
    application = _apply(cast.xq_employer)
    with pytest.raises(ValidationError):
        services.join_application_reject(actor=cast.xq_staff, application=application, reason=" ")
    services.join_application_reject(
        actor=cast.xq_staff, application=application, reason="单位信息不符"
    )
    found = application_status(id_number=application.id_number, phone="13812345678")
    assert [a.reject_reason for a in found] == ["单位信息不符"]
    assert application_status(id_number=application.id_number, phone="13800000000") == []


def test_pending_application_cannot_be_doubled(cast) -> None:
    application = _apply(cast.xq_employer)
    with pytest.raises(ValidationError) as raised:
        _apply(cast.xq_employer, id_number=application.id_number)
    assert "审核" in raised.value.message_dict["id_number"][0]


def test_former_member_rejoins_as_same_person(cast) -> None:
    old = make_member(cast.yz_union, state="left")
    application = _apply(cast.xq_employer, id_number=old.person.id_number, name="王小丽")
    membership = services.join_application_approve(actor=cast.xq_staff, application=application)
    assert membership.person_id == old.person_id
    assert Person.objects.count() == 1


def test_retain_leave_expel(cast) -> None:
    member = make_member(cast.xq_union)
    with pytest.raises(ValidationError):
        services.membership_retain(actor=cast.xq_staff, membership=member, reason="holiday")
    retained = services.membership_retain(
        actor=cast.xq_staff, membership=member, reason="retirement", keep_at=cast.xingqing
    )
    assert retained.state == "retained" and retained.organisation == cast.xingqing
    left = services.membership_leave(actor=cast.xq_staff, membership=retained, note="本人申请")
    assert left.state == "left" and left.ended_on is not None
    with pytest.raises(Conflict):
        services.membership_expel(actor=cast.xq_staff, membership=left, reason="x")
    other = make_member(cast.xq_union)
    with pytest.raises(ValidationError):
        services.membership_expel(actor=cast.xq_staff, membership=other, reason="")
    services.membership_expel(actor=cast.xq_staff, membership=other, reason="严重违纪")
    kinds = list(member.events.values_list("kind", flat=True))
    assert kinds == ["retained", "left"]
    assert ChangeRecord.objects.filter(verb="membership_leave").exists()


def test_state_change_outside_scope_is_404_like(cast) -> None:
    member = make_member(cast.yz_union)
    with pytest.raises(ScopeViolation):
        services.membership_leave(actor=cast.xq_staff, membership=member)
    member.refresh_from_db()
    assert member.state == "active"


def test_transfer_confirmed_by_old_union(cast) -> None:
    member = make_member(cast.yz_union, employer=cast.yz_employer)
    transfer = services.transfer_request(
        actor=cast.xq_staff, membership=member, to_employer=cast.xq_employer, today=MONDAY
    )
    member.refresh_from_db()
    assert member.state == "transferring" and transfer.to_organisation == cast.xq_union
    with pytest.raises(ScopeViolation):
        services.transfer_confirm(actor=cast.xq_staff, transfer=transfer)
    services.transfer_confirm(actor=cast.yz_staff, transfer=transfer)
    member.refresh_from_db()
    assert member.state == "active" and member.organisation == cast.xq_union
    assert member.employer == cast.xq_employer
    assert list(member.events.values_list("kind", flat=True)) == [
        "transfer_requested",
        "transferred",
    ]
    transfer.refresh_from_db()
    assert transfer.completion == "confirmed" and transfer.from_organisation == cast.yz_union


def test_transfer_to_employer_without_union_goes_to_county_federation(cast) -> None:
    member = make_member(cast.xq_union)
    uncovered = make_employer("原州无工会物流公司", cast.yuanzhou)
    transfer = services.transfer_request(
        actor=None, membership=member, to_employer=uncovered, origin="member"
    )
    assert transfer.to_organisation == cast.yuanzhou


def test_transfer_rejected_restores_state(cast) -> None:
    member = make_member(cast.yz_union, state="retained")
    transfer = services.transfer_request(
        actor=cast.xq_staff, membership=member, to_organisation=cast.xq_union
    )
    with pytest.raises(Conflict):
        services.transfer_request(
            actor=cast.xq_staff, membership=member, to_organisation=cast.xingqing
        )
    services.transfer_reject(actor=cast.yz_staff, transfer=transfer, reason="查无此人")
    member.refresh_from_db()
    assert member.state == "retained" and member.organisation == cast.yz_union


def test_transfer_request_by_union_outside_scope_refused(cast) -> None:
    member = make_member(cast.xq_union)
    with pytest.raises(ScopeViolation):
        services.transfer_request(
            actor=cast.xq_staff, membership=member, to_organisation=cast.yz_union
        )
    assert not Transfer.objects.exists()


def test_auto_complete_command_is_idempotent(cast, settings) -> None:
    settings.GONGHUI_MEMBER_TRANSFER_AUTO_DAYS = 5
    member = make_member(cast.yz_union)
    transfer = services.transfer_request(
        actor=cast.xq_staff, membership=member, to_organisation=cast.xq_union, today=MONDAY
    )
    assert transfer.auto_complete_on == datetime.date(2026, 3, 9)
    assert services.transfers_complete_due(today=datetime.date(2026, 3, 6)) == 0
    call_command("members_complete_transfers", "--today", "2026-03-09")
    call_command("members_complete_transfers", "--today", "2026-03-10")
    transfer.refresh_from_db()
    member.refresh_from_db()
    assert transfer.state == "completed" and transfer.completion == "automatic"
    assert member.organisation == cast.xq_union and member.state == "active"
    assert member.events.filter(kind="transferred").count() == 1
    assert services.transfers_complete_due(today=datetime.date(2026, 4, 1)) == 0


def test_the_timeline_says_how_a_transfer_completed(client, cast) -> None:
    member = make_member(cast.yz_union)
    services.transfer_request(
        actor=cast.xq_staff, membership=member, to_organisation=cast.xq_union, today=MONDAY
    )
    services.transfers_complete_due(today=datetime.date(2026, 4, 1))
    client.force_login(cast.xq_staff)
    page = client.get(f"/console/members/{member.pk}/").content.decode()
    timeline = page[page.index('data-testid="member-timeline"') :]
    assert "（逾期自动完成）" in timeline


def test_member_count_under_subtree(cast) -> None:
    make_member(cast.xq_union)
    make_member(cast.xq_union, state="left")
    make_member(cast.xingqing, state="retained")
    make_member(cast.yz_union)
    assert member_count(cast.yinchuan) == 2
    assert member_count(cast.region) == 3
    assert member_count(cast.region, on=datetime.date(2019, 1, 1)) == 0


def test_card_numbers_block_is_consecutive(db) -> None:
    first = services.card_numbers(3)
    assert len(first) == 3 and int(first[2]) - int(first[0]) == 2
    assert services.card_numbers(0) == []
    assert int(services.card_number_next()) == int(first[2]) + 1


def test_a_name_with_markup_or_a_remark_is_refused_on_the_name_field(cast) -> None:
    for name in ("<b>x</b>", "王五（临时工）"):
        with pytest.raises(ValidationError) as raised:
            _apply(cast.xq_employer, name=name)
        assert list(raised.value.message_dict) == ["name"]
    assert _apply(cast.xq_employer, name=" 王  小丽 ").name == "王小丽"
