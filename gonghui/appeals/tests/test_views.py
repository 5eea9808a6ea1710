"""Console and H5 pages: intake, queue, detail actions, dispatch, KPI, scope, H5 tracking."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from gonghui.appeals import services
from gonghui.appeals.choices import State
from gonghui.appeals.models import Appeal
from gonghui.appeals.tests.conftest import FACTS

pytestmark = pytest.mark.django_db


def _intake_post(**extra):  # type: ignore[no-untyped-def]
    data = {
        "phone": "13912345678",
        "caller_name": "王晓东",
        "division": "640104",
        "employer_name": "兴庆鑫盛机械制造有限公司",
        "facts": FACTS,
        "demand": "请帮忙追讨",
        "request_type": "complaint",
        "subject": "",
        "complexity": "ordinary",
        "channel": "phone",
        "token": "tok-1",
    }
    data.update(extra)
    return data


def test_operator_takes_a_call_and_dispatches(client, cast) -> None:
    client.force_login(cast.hotline)
    page = client.get(reverse("appeals:intake"))
    assert page.status_code == 200
    assert "诉求人" in page.content.decode() or "姓名" in page.content.decode()
    response = client.post(reverse("appeals:intake"), _intake_post())
    appeal = Appeal.objects.get()
    assert appeal.employer == cast.xq_employer
    assert response.url == reverse("appeals:dispatch", args=[appeal.number])
    # a double submit of the same form returns the same appeal
    client.post(reverse("appeals:intake"), _intake_post())
    assert Appeal.objects.count() == 1
    page = client.get(response.url)
    body = page.content.decode()
    assert "属地工会" in body  # the reason of the routing, in Chinese
    # the employer has a union of its own in 兴庆区 → the county federation is suggested
    target = cast.xingqing
    response = client.post(
        response.url, {"organisation": target.pk, "version": appeal.version, "next": "intake"}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.state == State.DISPATCHED and appeal.organisation == target
    assert "属地" in appeal.routing_reason


def test_intake_errors_are_shown_in_chinese(client, cast) -> None:
    client.force_login(cast.hotline)
    response = client.post(reverse("appeals:intake"), _intake_post(phone="123", caller_name=""))
    body = response.content.decode()
    assert response.status_code == 200
    assert "手机号" in body
    assert Appeal.objects.count() == 0


def test_consultation_answered_on_the_spot(client, cast) -> None:
    client.force_login(cast.hotline)
    client.post(
        reverse("appeals:intake"),
        _intake_post(request_type="consultation", answer="可以申请劳动仲裁。", token="t2"),
    )
    assert Appeal.objects.get().state == State.CLOSED


def test_phone_history_and_suggestion(client, cast, make_appeal) -> None:
    earlier = make_appeal()
    client.force_login(cast.hotline)
    response = client.get(reverse("appeals:phone_history"), {"phone": "139 1234 5678"})
    assert earlier.number in response.content.decode()
    response = client.get(reverse("appeals:suggest"), {"facts": "老板拖欠我们工资三个月了"})
    assert 'data-suggested="wage"' in response.content.decode()


def test_handler_queue_ordered_by_deadline_with_flags(client, cast, make_appeal) -> None:
    later = services.appeal_dispatch(
        actor=cast.hotline, appeal=make_appeal(), organisation=cast.xingqing
    )
    sooner = services.appeal_dispatch(
        actor=cast.hotline, appeal=make_appeal(), organisation=cast.xingqing
    )
    Appeal.objects.filter(pk=later.pk).update(due_on=datetime.date(2030, 1, 10))
    Appeal.objects.filter(pk=sooner.pk).update(due_on=datetime.date(2020, 1, 10), flag="red")
    other = services.appeal_dispatch(
        actor=cast.hotline, appeal=make_appeal(), organisation=cast.yuanzhou
    )
    client.force_login(cast.xq_staff)
    body = client.get(reverse("appeals:queue")).content.decode()
    assert body.index(sooner.number) < body.index(later.number)
    assert other.number not in body
    assert 'data-testid="flag-red"' in body


def test_detail_actions_timeline_and_conflict(client, cast, at_county) -> None:
    client.force_login(cast.xq_staff)
    url = reverse("appeals:detail", args=[at_county.number])
    body = client.get(url).content.decode()
    assert 'data-testid="btn-sign"' in body
    assert "139****5678" in body and "13912345678" not in body
    stale_version = at_county.version
    client.post(reverse("appeals:act", args=[at_county.number, "sign"]), {"version": stale_version})
    assert Appeal.objects.get(pk=at_county.pk).state == State.SIGNED
    # a second handler's click on a stale page: a clear message, nothing overwritten
    response = client.post(
        reverse("appeals:act", args=[at_county.number, "start"]),
        {"version": stale_version},
        follow=True,
    )
    assert "刚刚已被其他人处理" in response.content.decode()
    assert Appeal.objects.get(pk=at_county.pk).state == State.SIGNED
    client.post(
        reverse("appeals:act", args=[at_county.number, "note"]), {"text": "内部：企业已约谈"}
    )
    client.post(
        reverse("appeals:act", args=[at_county.number, "reply"]),
        {"reply": "企业已补发工资", "wages_recovered": "8000"},
    )
    appeal = Appeal.objects.get(pk=at_county.pk)
    assert appeal.state == State.REPLIED and str(appeal.wages_recovered) == "8000.00"


def test_scope_other_county_gets_404_by_url_and_api(client, cast, at_county) -> None:
    client.force_login(cast.yz_staff)
    assert client.get(reverse("appeals:detail", args=[at_county.number])).status_code == 404
    assert client.post(reverse("appeals:act", args=[at_county.number, "sign"])).status_code == 404
    assert client.get(f"/api/v1/appeals/{at_county.number}").status_code == 404
    assert client.get("/api/v1/appeals/").json()["count"] == 0
    client.force_login(cast.nobody)
    assert client.get(reverse("appeals:queue")).status_code == 404


def test_pii_reveal_is_audited(client, cast, at_county) -> None:
    from gonghui.core.models import ChangeRecord

    client.force_login(cast.nx_admin)
    body = client.get(
        reverse("appeals:detail", args=[at_county.number]) + "?reveal=1"
    ).content.decode()
    assert "13912345678" in body
    assert ChangeRecord.objects.filter(action="reveal", object_id=str(at_county.pk)).exists()


def test_kpi_page_figures_and_links(client, cast, at_county, make_appeal) -> None:
    appeal = services.appeal_sign(actor=cast.xq_staff, appeal=at_county)
    appeal = services.appeal_reply(
        actor=cast.xq_staff, appeal=appeal, reply="ok", wages_recovered="100"
    )
    appeal = services.appeal_callback(actor=cast.hotline, appeal=appeal, result="satisfied")
    services.appeal_close(actor=cast.hotline, appeal=appeal)
    make_appeal()
    client.force_login(cast.leader)
    response = client.get(reverse("appeals:kpi"))
    assert response.status_code == 200
    k = response.context["k"]
    assert (k.received, k.closed, k.on_time_rate, k.callback_rate, k.satisfaction_rate) == (
        2,
        1,
        100.0,
        100.0,
        100.0,
    )
    assert k.wages_recovered == Decimal("100")
    body = response.content.decode()
    assert "echarts.min.js" in body and "appeals/kpi.js" in body
    # the "closed" figure links to the list of exactly those appeals
    listed = client.get(reverse("appeals:list"), {"state": "closed", "org": cast.region.code})
    assert [a.number for a in listed.context["page_obj"]] == [appeal.number]
    # a county staff without dashboard.view has no KPI page
    client.force_login(cast.xq_staff)
    assert client.get(reverse("appeals:kpi")).status_code == 404


# --- H5 ---------------------------------------------------------------------------------------


def _h5_post(**extra):  # type: ignore[no-untyped-def]
    data = {
        "caller_name": "李娜",
        "phone": "13800001111",
        "division": "640402",
        "employer_name": "某建筑公司",
        "facts": FACTS,
        "demand": "",
        "request_type": "help",
        "token": "h5-token-1",
    }
    data.update(extra)
    return data


def test_h5_submit_twice_creates_one_appeal_and_shows_receipt(client, cast) -> None:
    response = client.post(reverse("appeals:h5_appeal"), _h5_post())
    appeal = Appeal.objects.get()
    assert appeal.channel == "web" and appeal.organisation == cast.region
    assert response.url == reverse("appeals:h5_receipt", args=[appeal.number])
    again = client.post(reverse("appeals:h5_appeal"), _h5_post())
    assert again.url == response.url
    assert Appeal.objects.count() == 1
    assert appeal.number in client.get(response.url).content.decode()


def test_h5_rate_limit_per_phone(client, cast, settings) -> None:
    settings.GONGHUI_APPEAL_RATE_PER_PHONE = 2
    cache.clear()
    for i in range(2):
        client.post(reverse("appeals:h5_appeal"), _h5_post(token=f"t{i}"))
    response = client.post(reverse("appeals:h5_appeal"), _h5_post(token="t9"))
    assert Appeal.objects.count() == 2
    assert "12351" in response.content.decode()


def test_h5_photos_are_limited_to_four(client, cast) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = [
        SimpleUploadedFile(f"d{i}.pdf", b"%PDF-1.4", content_type="application/pdf")
        for i in range(5)
    ]
    response = client.post(reverse("appeals:h5_appeal"), {**_h5_post(), "files": files})
    assert Appeal.objects.count() == 0
    assert "最多4个" in response.content.decode()
    files = [
        SimpleUploadedFile(f"d{i}.pdf", b"%PDF-1.4", content_type="application/pdf")
        for i in range(2)
    ]
    client.post(reverse("appeals:h5_appeal"), {**_h5_post(token="x2"), "files": files})
    assert Appeal.objects.get().attachments.count() == 2


def test_h5_track_needs_the_right_phone(client, cast, at_county) -> None:
    services.appeal_note(actor=cast.xq_staff, appeal=at_county, text="内部备注不公开")
    wrong = client.post(
        reverse("appeals:h5_track"), {"number": at_county.number, "phone": "13900000000"}
    )
    assert "没有找到" in wrong.content.decode()
    assert (
        client.get(reverse("appeals:h5_track"), {"number": at_county.number}).context["appeal"]
        is None
    )
    right = client.post(
        reverse("appeals:h5_track"),
        {"number": at_county.number, "phone": "13912345678"},
        follow=True,
    )
    body = right.content.decode()
    assert right.context["appeal"].pk == at_county.pk
    assert "已分派" in body
    assert "内部备注不公开" not in body
    client.post(
        reverse("appeals:h5_track_action", args=[at_county.number, "info"]),
        {"text": "补充：有工资条"},
    )
    assert at_county.events.filter(kind="info", public=True).exists()


def test_h5_rating_unsatisfied_reopens(client, cast, at_county) -> None:
    appeal = services.appeal_sign(actor=cast.xq_staff, appeal=at_county)
    services.appeal_reply(actor=cast.xq_staff, appeal=appeal, reply="已协调")
    # another browser that never proved the phone cannot rate
    client.post(
        reverse("appeals:h5_track_action", args=[appeal.number, "rate"]), {"result": "unsatisfied"}
    )
    assert Appeal.objects.get(pk=appeal.pk).state == State.REPLIED
    client.post(reverse("appeals:h5_track"), {"number": appeal.number, "phone": "13912345678"})
    client.post(
        reverse("appeals:h5_track_action", args=[appeal.number, "rate"]), {"result": "unsatisfied"}
    )
    assert Appeal.objects.get(pk=appeal.pk).state == State.REOPENED


def test_one_navigation_entry_is_active_on_the_walk_in_desk(client, cast) -> None:  # type: ignore[no-untyped-def]
    client.force_login(cast.hotline)
    response = client.get("/console/appeals/walk-in/")
    active = [entry["url"] for entry in response.context["console_nav"] if entry["active"]]
    assert active == ["/console/appeals/walk-in/"]
