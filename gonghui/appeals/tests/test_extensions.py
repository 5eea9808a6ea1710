"""Extension in two steps: the handling union requests, the dispatching level approves or
refuses; once per appeal, optimistic versions, timeline, audit, queue, console and API."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse

from gonghui.appeals import services
from gonghui.appeals.choices import EventKind, ExtensionStatus, State
from gonghui.appeals.models import Appeal, ExtensionRequest
from gonghui.core.errors import Conflict
from gonghui.core.models import ChangeRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(cast, at_county):  # type: ignore[no-untyped-def]
    """Dispatched by the hotline (region) to 兴庆区 and signed for there."""
    return services.appeal_sign(actor=cast.xq_staff, appeal=at_county)


def _request(cast, appeal, days=5, reason="需要调取社保记录"):  # type: ignore[no-untyped-def]
    services.appeal_extension_request(actor=cast.xq_staff, appeal=appeal, days=days, reason=reason)
    return Appeal.objects.get(pk=appeal.pk)


def test_request_then_approval_moves_the_deadline(cast, signed) -> None:
    before_due = signed.reply_due
    appeal = _request(cast, signed)
    # the request alone changes neither state nor deadline; the appeal is flagged
    assert appeal.state == State.SIGNED and appeal.reply_due == before_due
    assert appeal.extension_pending and not appeal.extension_used
    request = ExtensionRequest.objects.get()
    assert request.approver == cast.region and request.status == ExtensionStatus.PENDING
    assert request.due_before == before_due
    appeal = services.appeal_extension_approve(actor=cast.hotline, appeal=appeal)
    assert appeal.state == State.EXTENDED and appeal.extension_used
    assert not appeal.extension_pending
    assert appeal.reply_due > before_due and appeal.due_on == appeal.reply_due
    request.refresh_from_db()
    assert request.status == ExtensionStatus.APPROVED and request.days_granted == 5
    assert request.due_after == appeal.reply_due and request.decided_by == cast.hotline
    kinds = list(appeal.events.values_list("kind", flat=True))
    assert kinds[-2:] == [EventKind.EXTENSION_REQUESTED, EventKind.EXTENDED]
    verbs = set(ChangeRecord.objects.values_list("verb", flat=True))
    assert {"appeal_extension_request", "appeal_extension_approve"} <= verbs
    # the extended appeal is replied as usual, and the worker sees the new deadline event
    assert appeal.events.get(kind=EventKind.EXTENDED).public
    assert not appeal.events.get(kind=EventKind.EXTENSION_REQUESTED).public
    appeal = services.appeal_reply(actor=cast.xq_staff, appeal=appeal, reply="已处理")
    assert appeal.state == State.REPLIED and appeal.on_time


def test_approver_may_grant_fewer_days_but_not_more(cast, signed) -> None:
    appeal = _request(cast, signed, days=5)
    with pytest.raises(ValidationError) as info:
        services.appeal_extension_approve(actor=cast.hotline, appeal=appeal, days=6)
    assert "工作日" in info.value.message_dict["days"][0]
    appeal = services.appeal_extension_approve(actor=cast.hotline, appeal=appeal, days=2)
    from gonghui.core.workdays import add_working_days

    assert appeal.reply_due == add_working_days(signed.reply_due, 2)
    assert ExtensionRequest.objects.get().days_granted == 2


def test_request_rules_days_reason_state_and_who(cast, signed, at_county) -> None:
    with pytest.raises(ValidationError) as info:
        _request(cast, signed, days=8)
    assert "7" in info.value.message_dict["days"][0]
    with pytest.raises(ValidationError) as info:
        _request(cast, signed, days=0)
    with pytest.raises(ValidationError) as info:
        _request(cast, signed, reason="  ")
    assert "理由" in info.value.message_dict["reason"][0]
    # only the handling union requests: the hotline cannot, another county does not see it
    with pytest.raises(Http404):
        services.appeal_extension_request(actor=cast.hotline, appeal=signed, days=3, reason="x")
    with pytest.raises(Http404):
        services.appeal_extension_request(actor=cast.yz_staff, appeal=signed, days=3, reason="x")
    assert not ExtensionRequest.objects.exists()


def test_not_before_signing_and_not_after_the_deadline(cast, at_county, signed) -> None:
    fresh = services.appeal_dispatch(
        actor=cast.hotline,
        appeal=services.appeal_intake(
            actor=cast.hotline,
            channel="phone",
            data={
                "caller_name": "赵",
                "phone": "13912345670",
                "division": "640104",
                "facts": "公司拖欠工资两个月",
                "request_type": "complaint",
            },
        ),
        organisation=cast.xingqing,
    )
    with pytest.raises(Conflict) as info:
        _request(cast, fresh)
    assert info.value.code == "transition"
    late = signed.reply_due + datetime.timedelta(days=1)
    moment = datetime.datetime.combine(late, datetime.time(10))
    with time_machine.travel(moment, tick=False), pytest.raises(Conflict) as info:
        _request(cast, signed)
    assert "期限" in info.value.message


def test_only_the_dispatching_level_decides_and_never_the_requester(cast, signed) -> None:
    appeal = _request(cast, signed)
    with pytest.raises(Conflict) as info:  # the county cannot approve its own request
        services.appeal_extension_approve(actor=cast.xq_staff, appeal=appeal)
    assert info.value.code == "forbidden" and "宁夏" in info.value.message
    with pytest.raises(Conflict):  # 银川 is above 兴庆区 but did not dispatch it
        services.appeal_extension_reject(actor=cast.yc_staff, appeal=appeal, reason="不同意")
    # somebody holding both levels still may not decide a request of their own
    services.appeal_extension_reject(actor=cast.hotline, appeal=appeal, reason="不同意")
    other = Appeal.objects.get(pk=appeal.pk)
    assert not other.extension_pending


def test_refusal_keeps_deadline_and_state_uses_up_the_request(cast, signed) -> None:
    appeal = _request(cast, signed)
    with pytest.raises(ValidationError) as info:
        services.appeal_extension_reject(actor=cast.hotline, appeal=appeal, reason="")
    assert "理由" in info.value.message_dict["reason"][0]
    appeal = services.appeal_extension_reject(
        actor=cast.hotline, appeal=appeal, reason="案情简单，请按期办结"
    )
    assert appeal.state == State.SIGNED and appeal.reply_due == signed.reply_due
    assert not appeal.extension_pending and not appeal.extension_used
    request = ExtensionRequest.objects.get()
    assert request.status == ExtensionStatus.REJECTED
    assert request.decision_note == "案情简单，请按期办结"
    assert appeal.events.filter(kind=EventKind.EXTENSION_REJECTED, public=False).exists()
    assert ChangeRecord.objects.filter(verb="appeal_extension_reject").exists()
    with pytest.raises(Conflict):  # once per appeal: no second request
        _request(cast, appeal, reason="再申请一次")
    # the handler completes in time as if nothing happened
    appeal = services.appeal_start(actor=cast.xq_staff, appeal=appeal)
    appeal = services.appeal_reply(actor=cast.xq_staff, appeal=appeal, reply="已按期办结")
    assert appeal.state == State.REPLIED and appeal.on_time


def test_a_pending_request_never_blocks_replying_and_then_lapses(cast, signed) -> None:
    appeal = _request(cast, signed)
    appeal = services.appeal_start(actor=cast.xq_staff, appeal=appeal)
    assert appeal.extension_pending  # starting the handling keeps the request
    appeal = services.appeal_reply(actor=cast.xq_staff, appeal=appeal, reply="提前办结")
    assert appeal.state == State.REPLIED and not appeal.extension_pending
    assert ExtensionRequest.objects.get().status == ExtensionStatus.WITHDRAWN
    assert appeal.events.filter(kind=EventKind.EXTENSION_WITHDRAWN).exists()
    with pytest.raises(Conflict):
        services.appeal_extension_approve(actor=cast.hotline, appeal=appeal)
    # reopened (重办): a withdrawn request did not use up the appeal's one request
    appeal = services.appeal_callback(actor=cast.hotline, appeal=appeal, result="unsatisfied")
    assert appeal.state == State.REOPENED
    _request(cast, appeal, days=3)
    assert ExtensionRequest.objects.filter(status=ExtensionStatus.PENDING).count() == 1


def test_an_approved_extension_is_the_only_one(cast, signed) -> None:
    appeal = services.appeal_extension_approve(actor=cast.hotline, appeal=_request(cast, signed))
    appeal = services.appeal_reply(actor=cast.xq_staff, appeal=appeal, reply="已处理")
    appeal = services.appeal_callback(actor=cast.hotline, appeal=appeal, result="unsatisfied")
    with pytest.raises(Conflict):
        _request(cast, appeal)


def test_stale_versions_and_double_decisions_conflict(cast, signed) -> None:
    stale = signed.version
    appeal = _request(cast, signed)
    with pytest.raises(Conflict) as info:  # a page opened before the request
        services.appeal_extension_approve(actor=cast.hotline, appeal=appeal, version=stale)
    assert "刚刚" in info.value.message
    mine = Appeal.objects.get(pk=appeal.pk)
    theirs = Appeal.objects.get(pk=appeal.pk)
    services.appeal_extension_approve(actor=cast.hotline, appeal=mine)
    with pytest.raises(Conflict):
        services.appeal_extension_reject(actor=cast.nx_admin, appeal=theirs, reason="不同意")
    assert Appeal.objects.get(pk=appeal.pk).state == State.EXTENDED
    # two requests racing: the second loses on the version, or on the one-request constraint
    with pytest.raises(IntegrityError), transaction.atomic():
        ExtensionRequest.objects.create(appeal=appeal, approver=cast.region, days=1, reason="x")


# --- console and API ---------------------------------------------------------------------------


def test_console_request_queue_flag_and_approval(client, cast, signed) -> None:
    client.force_login(cast.xq_staff)
    detail = reverse("appeals:detail", args=[signed.number])
    body = client.get(detail).content.decode()
    assert 'data-testid="btn-extension-request"' in body
    assert 'data-testid="btn-extension-approve"' not in body
    response = client.post(
        reverse("appeals:act", args=[signed.number, "extension-request"]),
        {"days": "9", "reason": "x", "version": signed.version},
        follow=True,
    )
    assert "7" in response.content.decode() and not ExtensionRequest.objects.exists()
    client.post(
        reverse("appeals:act", args=[signed.number, "extension-request"]),
        {"days": "4", "reason": "需要现场核查", "version": signed.version},
    )
    body = client.get(detail).content.decode()
    assert 'data-testid="extension-pending"' in body
    assert 'data-testid="btn-extension-approve"' not in body  # not the handler's decision
    assert 'data-testid="flag-extension"' in client.get(reverse("appeals:queue")).content.decode()
    # the dispatching level: listed, flagged, decided from the appeal page
    client.force_login(cast.hotline)
    listed = client.get(reverse("appeals:extensions"))
    assert signed.number in listed.content.decode()
    appeal = Appeal.objects.get(pk=signed.pk)
    body = client.get(detail).content.decode()
    assert 'data-testid="btn-extension-approve"' in body
    client.post(
        reverse("appeals:act", args=[signed.number, "extension-approve"]),
        {"days": "4", "note": "同意", "version": appeal.version},
    )
    assert Appeal.objects.get(pk=signed.pk).state == State.EXTENDED
    assert signed.number not in client.get(reverse("appeals:extensions")).content.decode()
    # another county's federation does not see the request in its list
    client.force_login(cast.yz_staff)
    assert signed.number not in client.get(reverse("appeals:extensions")).content.decode()


def test_queue_shows_requests_to_decide_to_a_dispatching_county(client, cast, signed) -> None:
    appeal = services.appeal_dispatch(
        actor=cast.xq_staff, appeal=signed, organisation=cast.xq_union
    )
    from gonghui.testing import make_user

    handler = make_user("xq_union_handler", "appeal_handler", cast.xq_union)
    appeal = services.appeal_sign(actor=handler, appeal=appeal)
    services.appeal_extension_request(actor=handler, appeal=appeal, days=2, reason="等待企业材料")
    assert ExtensionRequest.objects.get().approver == cast.xingqing
    client.force_login(cast.xq_staff)
    body = client.get(reverse("appeals:queue")).content.decode()
    assert 'data-testid="extension-queue"' in body and appeal.number in body


def test_api_request_approve_reject(client, cast, signed) -> None:
    client.force_login(cast.xq_staff)
    url = f"/api/v1/appeals/{signed.number}"
    bad = client.post(
        f"{url}/extension-request", {"days": 10, "reason": "x"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "days" in bad.json()["error"]["fields"]
    ok = client.post(
        f"{url}/extension-request",
        {"days": 3, "reason": "需要鉴定", "version": signed.version},
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["extension_pending"] is True and ok.json()["state"] == "signed"
    again = client.post(
        f"{url}/extension-request", {"days": 3, "reason": "再来"}, content_type="application/json"
    )
    assert again.status_code == 409
    forbidden = client.post(f"{url}/extension-approve", {}, content_type="application/json")
    assert forbidden.status_code == 409
    client.force_login(cast.hotline)
    stale = client.post(
        f"{url}/extension-reject",
        {"reason": "不同意", "version": signed.version},
        content_type="application/json",
    )
    assert stale.status_code == 409 and "刚刚" in stale.json()["error"]["message"]
    refused = client.post(
        f"{url}/extension-reject",
        {"reason": "不同意", "version": ok.json()["version"]},
        content_type="application/json",
    )
    assert refused.status_code == 200
    body = refused.json()
    assert body["extension_pending"] is False and body["reply_due"] == ok.json()["reply_due"]
    assert (
        client.post(f"{url}/extension-approve", {}, content_type="application/json").status_code
        == 409
    )
