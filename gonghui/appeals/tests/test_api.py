"""The appeals API: idempotent intake, scoped list/detail, actions, public tracking."""

from __future__ import annotations

import pytest

from gonghui.accounts.services import api_token_create
from gonghui.appeals.models import Appeal

pytestmark = pytest.mark.django_db

PAYLOAD = {
    "caller_name": "张伟",
    "phone": "13700001234",
    "division": "640104",
    "facts": "单位拖欠我两个月的工资，一共八千元。",
    "request_type": "complaint",
}


@pytest.fixture
def hotline_token(cast) -> str:  # type: ignore[no-untyped-def]
    return api_token_create(actor=cast.hotline, user=cast.hotline, name="cti")[1]


def test_post_with_idempotency_key_returns_the_first_result(client, cast, hotline_token) -> None:
    headers = {"Authorization": f"Bearer {hotline_token}", "Idempotency-Key": "call-42"}
    first = client.post(
        "/api/v1/appeals/", PAYLOAD, content_type="application/json", headers=headers
    )
    assert first.status_code == 201, first.content
    again = client.post(
        "/api/v1/appeals/", PAYLOAD, content_type="application/json", headers=headers
    )
    assert again.status_code == 200
    assert again.json()["number"] == first.json()["number"]
    assert Appeal.objects.count() == 1
    assert first.json()["channel"] == "phone"
    assert first.json()["phone"] == "137****1234"
    assert first.json()["suggested_subject"] == "wage"


def test_anonymous_post_is_a_web_appeal_and_bad_input_is_400_in_chinese(client, cast) -> None:
    ok = client.post("/api/v1/appeals/", PAYLOAD, content_type="application/json")
    assert ok.status_code == 201 and ok.json()["channel"] == "web"
    bad = client.post(
        "/api/v1/appeals/", {**PAYLOAD, "phone": "1"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert "phone" in bad.json()["error"]["fields"]
    assert "手机号" in bad.json()["error"]["message"]


def test_actions_and_conflict_over_the_api(client, cast) -> None:
    client.force_login(cast.hotline)
    number = client.post("/api/v1/appeals/", PAYLOAD, content_type="application/json").json()[
        "number"
    ]
    dispatched = client.post(
        f"/api/v1/appeals/{number}/dispatch", {}, content_type="application/json"
    )
    assert dispatched.status_code == 200, dispatched.content
    assert dispatched.json()["organisation"] == cast.xingqing.code
    version = dispatched.json()["version"]
    client.force_login(cast.xq_staff)
    signed = client.post(
        f"/api/v1/appeals/{number}/sign", {"version": version}, content_type="application/json"
    )
    assert signed.status_code == 200 and signed.json()["state"] == "signed"
    stale = client.post(
        f"/api/v1/appeals/{number}/start", {"version": version}, content_type="application/json"
    )
    assert stale.status_code == 409
    assert "刚刚" in stale.json()["error"]["message"]
    listed = client.get("/api/v1/appeals/").json()
    assert listed["count"] == 1 and listed["items"][0]["number"] == number
    reply = client.post(
        f"/api/v1/appeals/{number}/reply",
        {"reply": "已处理", "wages_recovered": "5000"},
        content_type="application/json",
    )
    assert reply.json()["state"] == "replied"
    client.force_login(cast.yz_staff)
    assert (
        client.post(
            f"/api/v1/appeals/{number}/close", {}, content_type="application/json"
        ).status_code
        == 404
    )


def test_public_track_needs_number_and_phone(client, cast) -> None:
    number = client.post("/api/v1/appeals/", PAYLOAD, content_type="application/json").json()[
        "number"
    ]
    client.logout()
    wrong = client.get("/api/v1/appeals/track", {"number": number, "phone": "13700009999"})
    assert wrong.status_code == 404
    right = client.get("/api/v1/appeals/track", {"number": number, "phone": "13700001234"})
    assert right.status_code == 200
    body = right.json()
    assert body["number"] == number and body["events"]
    assert body["caller_name"] != "张伟"  # masked
    assert client.get("/api/v1/appeals/").status_code == 401


def test_idempotency_keys_are_scoped_to_the_caller(client, cast, hotline_token) -> None:
    staff = {"Authorization": f"Bearer {hotline_token}", "Idempotency-Key": "same-key"}
    first = client.post("/api/v1/appeals/", PAYLOAD, content_type="application/json", headers=staff)
    anonymous = client.post(
        "/api/v1/appeals/",
        {**PAYLOAD, "phone": "13700005678"},
        content_type="application/json",
        headers={"Idempotency-Key": "same-key"},
    )
    assert anonymous.status_code == 201
    assert anonymous.json()["number"] != first.json()["number"]
    assert Appeal.objects.count() == 2
