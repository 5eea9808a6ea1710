"""Bulk approval and forwarding (转办) of join applications: services, console pages, API."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gonghui.core.errors import Conflict, ScopeViolation
from gonghui.core.models import ChangeRecord
from gonghui.core.workdays import add_working_days
from gonghui.members import selectors, services
from gonghui.members.models import JoinApplication, Membership, MembershipEvent
from gonghui.members.rules import BULK_APPROVE_LIMIT
from gonghui.members.tests.factories import make_id, make_member, make_phone

MONDAY = datetime.date(2026, 3, 2)


def _apply(employer, name: str = "王小丽", **extra) -> JoinApplication:  # type: ignore[no-untyped-def]
    data = {
        "name": name,
        "id_number": make_id(),
        "phone": make_phone(),
        "occupation": "courier",
        "employer": employer,
        "today": MONDAY,
    } | extra
    return services.join_application_submit(**data)


# --- bulk approval: service -----------------------------------------------------------------------
def test_bulk_approval_goes_through_the_single_rule(cast) -> None:
    rows = [_apply(cast.xq_employer, name) for name in ("王小丽", "李明", "张伟")]
    result = services.join_applications_approve(actor=cast.xq_staff, applications=rows)
    assert [item.application_id for item in result.approved] == [row.pk for row in rows]
    assert result.skipped == []
    cards = sorted(Membership.objects.values_list("card_number", flat=True))
    assert len(set(cards)) == 3 and int(cards[-1]) - int(cards[0]) == 2  # the locked counter
    assert MembershipEvent.objects.filter(kind="joined", data__via="online").count() == 3
    assert ChangeRecord.objects.filter(verb="join_application_approve").count() == 3
    assert ChangeRecord.objects.filter(verb="membership_create").count() == 3
    assert set(JoinApplication.objects.values_list("state", flat=True)) == {"approved"}


def test_bulk_approval_skips_what_cannot_be_approved_and_approves_the_rest(cast) -> None:
    good = _apply(cast.xq_employer, "王小丽")
    reviewed = _apply(cast.xq_employer, "李明")
    services.join_application_reject(actor=cast.xq_staff, application=reviewed, reason="重复")
    joined_elsewhere = _apply(cast.xq_employer, "张伟")
    make_member(cast.jinfeng, id_number=joined_elsewhere.id_number)  # meanwhile, elsewhere
    outside = _apply(cast.yz_employer, "马强")
    also_good = _apply(cast.xq_employer, "赵敏")
    ids = [good.pk, reviewed.pk, joined_elsewhere.pk, outside.pk, 999999, also_good.pk, good.pk]
    result = services.join_applications_approve(actor=cast.xq_staff, applications=ids)
    assert [item.application_id for item in result.approved] == [good.pk, also_good.pk]
    skipped = {item.application_id: item for item in result.skipped}
    assert skipped[reviewed.pk].code == "already_reviewed" and skipped[reviewed.pk].name == "李明"
    assert skipped[joined_elsewhere.pk].code == "already_member"
    # Outside the actor's scope is the same answer as an id that does not exist, without a name.
    assert skipped[outside.pk].code == skipped[999999].code == "not_found"
    assert skipped[outside.pk].name == ""
    assert len(result.skipped) == 4  # the repeated id counted once
    outside.refresh_from_db()
    joined_elsewhere.refresh_from_db()
    assert outside.state == joined_elsewhere.state == "pending"


def test_bulk_approval_has_a_limit_and_needs_a_choice(cast) -> None:
    application = _apply(cast.xq_employer)
    too_many = [application.pk, *range(10_000_000, 10_000_000 + BULK_APPROVE_LIMIT)]
    with pytest.raises(ValidationError) as raised:
        services.join_applications_approve(actor=cast.xq_staff, applications=too_many)
    assert raised.value.error_dict["ids"][0].code == "too_many"
    assert "最多" in raised.value.messages[0] and "500" in raised.value.messages[0]
    with pytest.raises(ValidationError):
        services.join_applications_approve(actor=cast.xq_staff, applications=[])
    application.refresh_from_db()
    assert application.state == "pending"


# --- forwarding: service --------------------------------------------------------------------------
def test_forward_moves_the_application_and_restarts_the_deadline(cast) -> None:
    application = _apply(cast.xq_employer)
    friday = datetime.date(2026, 3, 6)
    row = services.join_application_forward(
        actor=cast.xq_staff,
        application=application,
        to_organisation=cast.jinfeng,
        reason="申请人实际在金凤区工作",
        today=friday,
    )
    row.refresh_from_db()
    assert row.organisation == cast.jinfeng and row.forwarded_from == cast.xq_union
    assert row.due_on == add_working_days(friday, 3) == datetime.date(2026, 3, 11)
    assert row.forward_reason == "申请人实际在金凤区工作" and row.forwarded_at is not None
    record = ChangeRecord.objects.get(verb="join_application_forward")
    assert record.actor == cast.xq_staff
    assert record.before["organisation"] == cast.xq_union.pk
    assert record.after["organisation"] == cast.jinfeng.pk
    # The point of forwarding: the actor no longer sees it, the receiving union does.
    assert not selectors.application_queue(actor=cast.xq_staff).exists()
    assert list(selectors.application_queue(actor=cast.yc_staff)) == [row]
    membership = services.join_application_approve(actor=cast.yc_staff, application=row)
    assert membership.organisation == cast.jinfeng


def test_forward_refusals(cast) -> None:
    application = _apply(cast.xq_employer)
    forward = services.join_application_forward
    with pytest.raises(ValidationError):
        forward(
            actor=cast.xq_staff, application=application, to_organisation=cast.jinfeng, reason=" "
        )
    with pytest.raises(Conflict) as same:
        forward(
            actor=cast.xq_staff, application=application, to_organisation=cast.xq_union, reason="x"
        )
    assert same.value.code == "same_union"
    cast.jinfeng.status = "suspended"
    cast.jinfeng.save(update_fields=["status"])
    with pytest.raises(Conflict) as inactive:
        forward(
            actor=cast.xq_staff, application=application, to_organisation=cast.jinfeng, reason="x"
        )
    assert inactive.value.code == "union_inactive" and cast.jinfeng.name in inactive.value.message
    with pytest.raises(ScopeViolation):
        forward(
            actor=cast.yz_staff, application=application, to_organisation=cast.yuanzhou, reason="x"
        )
    services.join_application_reject(actor=cast.xq_staff, application=application, reason="重复")
    with pytest.raises(Conflict) as reviewed:
        forward(
            actor=cast.xq_staff, application=application, to_organisation=cast.yuanzhou, reason="x"
        )
    assert reviewed.value.code == "already_reviewed"
    application.refresh_from_db()
    assert application.organisation == cast.xq_union and application.forwarded_from is None
    assert not ChangeRecord.objects.filter(verb="join_application_forward").exists()


def test_forward_target_by_code_or_exact_name(cast) -> None:
    assert selectors.forward_target(actor=cast.xq_staff, text=cast.yuanzhou.code) == cast.yuanzhou
    assert (
        selectors.forward_target(actor=cast.xq_staff, text=" 固原市原州区总工会 ") == cast.yuanzhou
    )
    assert selectors.forward_target(actor=cast.xq_staff, text="640402999") is None
    found = selectors.forward_suggestions(actor=cast.xq_staff, text="原州")
    assert cast.yuanzhou in found and cast.yz_union in found
    assert selectors.forward_target(actor=cast.nobody, text=cast.yuanzhou.code) is None


# --- console pages --------------------------------------------------------------------------------
def test_queue_bulk_approves_and_names_the_skipped(client, cast) -> None:
    good = _apply(cast.xq_employer, "王小丽")
    other = _apply(cast.xq_employer, "赵敏")
    joined = _apply(cast.xq_employer, "张伟")
    make_member(cast.jinfeng, id_number=joined.id_number)
    client.force_login(cast.xq_staff)
    queue = client.get(reverse("members:application_queue")).content.decode()
    assert 'data-testid="select-page"' in queue and f'value="{good.pk}"' in queue
    assert "批量通过" in queue
    response = client.post(
        reverse("members:application_bulk_approve"),
        {"ids": [good.pk, other.pk, joined.pk, "x"]},
        follow=True,
    )
    body = response.content.decode()
    assert "已通过2份，1份未通过：" in body and "张伟（" in body and "会籍接转" in body
    assert Membership.objects.filter(organisation=cast.xq_union).count() == 2
    done = client.get(reverse("members:application_queue"), {"state": "approved"}).content
    assert b'data-testid="select-page"' not in done  # nothing to tick on a reviewed tab


def test_queue_bulk_all_approved_and_over_the_limit(client, cast) -> None:
    application = _apply(cast.xq_employer)
    client.force_login(cast.xq_staff)
    url = reverse("members:application_bulk_approve")
    too_many = [str(n) for n in range(1, BULK_APPROVE_LIMIT + 2)]
    body = client.post(url, {"ids": too_many}, follow=True).content.decode()
    assert "一次最多批量通过500份申请" in body
    assert not Membership.objects.exists()
    body = client.post(url, {"ids": [application.pk]}, follow=True).content.decode()
    assert "已通过1份。" in body
    client.force_login(cast.nobody)
    assert client.post(url, {"ids": [application.pk]}).status_code == 404


def test_detail_forwards_by_code_and_a_typo_is_a_field_error(client, cast) -> None:
    application = _apply(cast.xq_employer)
    client.force_login(cast.xq_staff)
    url = reverse("members:application_detail", args=[application.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="forward-form"' in page and "转办原因" in page
    typo = client.post(
        url, {"action": "forward", "forward-organisation": "6404", "forward-reason": "选错单位"}
    )
    assert typo.status_code == 200 and "没有该组织编码或名称的工会" in typo.content.decode()
    missing_reason = client.post(
        url, {"action": "forward", "forward-organisation": cast.yuanzhou.code}
    )
    assert missing_reason.status_code == 200
    same = client.post(
        url,
        {"action": "forward", "forward-organisation": cast.xq_union.code, "forward-reason": "x"},
        follow=True,
    )
    assert "该申请已在此工会" in same.content.decode()
    application.refresh_from_db()
    assert application.organisation == cast.xq_union
    response = client.post(
        url,
        {
            "action": "forward",
            "forward-organisation": cast.yuanzhou.code,
            "forward-reason": "选错单位",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("members:application_queue")  # no longer visible
    application.refresh_from_db()
    assert application.organisation == cast.yuanzhou
    assert client.get(url).status_code == 404
    client.force_login(cast.yz_staff)
    queue = client.get(reverse("members:application_queue")).content.decode()
    assert "由兴庆鑫盛机械制造有限公司工会委员会转来" in queue
    detail = client.get(url).content.decode()
    assert "选错单位" in detail  # the receiving union's staff read the reason


def test_forward_inside_scope_stays_on_the_detail(client, cast) -> None:
    application = _apply(cast.xq_employer)
    client.force_login(cast.yc_staff)
    url = reverse("members:application_detail", args=[application.pk])
    response = client.post(
        url,
        {
            "action": "forward",
            "forward-organisation": "银川市金凤区总工会",
            "forward-reason": "区县选错",
        },
    )
    assert response.status_code == 302 and response["Location"] == url


def test_worker_sees_the_new_union_but_not_the_reason(client, cast) -> None:
    application = _apply(cast.xq_employer, phone="13812345678")
    services.join_application_forward(
        actor=cast.xq_staff,
        application=application,
        to_organisation=cast.yuanzhou,
        reason="内部备注：单位选错",
    )
    status = client.post(
        reverse("members:join_status"),
        {"id_number": application.id_number, "phone": "13812345678"},
    ).content.decode()
    assert "转办至固原市原州区总工会" in status and "内部备注" not in status


def test_union_lookup_offers_codes(client, cast) -> None:
    client.force_login(cast.xq_staff)
    response = client.get(reverse("members:application_unions"), {"organisation": "原州"})
    body = response.content.decode()
    assert f'<option value="{cast.yuanzhou.code}">固原市原州区总工会</option>' in body
    client.force_login(cast.nobody)
    assert (
        client.get(reverse("members:application_unions"), {"organisation": "原州"}).status_code
        == 404
    )


# --- API ------------------------------------------------------------------------------------------
def test_api_bulk_approve(client, cast) -> None:
    good = _apply(cast.xq_employer)
    reviewed = _apply(cast.xq_employer, "李明")
    services.join_application_reject(actor=cast.xq_staff, application=reviewed, reason="重复")
    outside = _apply(cast.yz_employer, "马强")
    client.force_login(cast.xq_staff)
    url = "/api/v1/members/applications/approve"
    body = client.post(
        url, {"ids": [good.pk, reviewed.pk, outside.pk]}, content_type="application/json"
    ).json()
    membership = Membership.objects.get()
    assert body["approved"] == [
        {"id": good.pk, "membership_id": membership.pk, "card_number": membership.card_number}
    ]
    assert [(s["id"], s["code"]) for s in body["skipped"]] == [
        (reviewed.pk, "already_reviewed"),
        (outside.pk, "not_found"),
    ]
    too_many = client.post(
        url, {"ids": list(range(1, BULK_APPROVE_LIMIT + 2))}, content_type="application/json"
    )
    assert too_many.status_code == 400
    error = too_many.json()["error"]
    assert error["code"] == "too_many" and "500" in error["message"] and "ids" in error["fields"]
    bad = client.post(url, {"ids": "all"}, content_type="application/json")
    assert bad.status_code == 422


def test_api_forward(client, cast) -> None:
    application = _apply(cast.xq_employer)
    client.force_login(cast.yz_staff)
    url = f"/api/v1/members/applications/{application.pk}/forward"
    payload = {"organisation": cast.yuanzhou.code, "reason": "选错单位"}
    outside = client.post(url, payload, content_type="application/json")
    assert outside.status_code == 404 and outside.json()["error"]["code"] == "not_found"
    client.force_login(cast.xq_staff)
    typo = client.post(url, payload | {"organisation": "nope"}, content_type="application/json")
    assert typo.status_code == 400 and "organisation" in typo.json()["error"]["fields"]
    same = client.post(
        url, payload | {"organisation": cast.xq_union.code}, content_type="application/json"
    )
    assert same.status_code == 409 and same.json()["error"]["code"] == "same_union"
    ok = client.post(url, payload, content_type="application/json")
    assert ok.status_code == 200, ok.content
    data = ok.json()
    assert data["organisation_code"] == cast.yuanzhou.code
    assert data["forwarded_from_name"] == cast.xq_union.name
    # Now outside the caller's scope: a second forward is not found, not a conflict.
    assert client.post(url, payload, content_type="application/json").status_code == 404
    client.force_login(cast.yz_staff)
    again = client.post(url, payload, content_type="application/json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "same_union"
    services.join_application_reject(actor=cast.yz_staff, application=application, reason="x")
    reviewed = client.post(
        url, payload | {"organisation": cast.jinfeng.code}, content_type="application/json"
    )
    assert reviewed.status_code == 409 and reviewed.json()["error"]["code"] == "already_reviewed"
