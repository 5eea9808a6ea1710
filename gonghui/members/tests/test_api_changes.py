"""The membership's changes in the API: transfers (list, detail, request, confirm, reject,
cancel), retain, leave, expel, reactivate and the details' correction. Each endpoint: the happy
path, a refusal on its field with its code, and another county's staff getting 404."""

from __future__ import annotations

from typing import Any

import pytest

from gonghui.members import services
from gonghui.members.models import Membership, Transfer
from gonghui.members.tests.factories import make_member
from gonghui.testing import make_employer, make_org

JSON = "application/json"


def _post(client, url: str, data: dict | None = None):  # type: ignore[no-untyped-def]
    return client.post(url, data if data is not None else {}, content_type=JSON)


def _patch(client, url: str, data: dict):  # type: ignore[no-untyped-def]
    return client.patch(url, data, content_type=JSON)


def _refused(response: Any, status: int = 400) -> tuple[str, list[str]]:
    """The refusal's code and the fields it names."""
    assert response.status_code == status, response.content
    error = response.json()["error"]
    return error["code"], list(error["fields"])


def _not_found(response: Any) -> None:
    assert response.status_code == 404, response.content
    assert response.json()["error"]["code"] == "not_found"


def _incoming(cast, source) -> Transfer:  # type: ignore[no-untyped-def]
    """A member of ``source`` (原州) asks to move to 兴庆's union: 原州 decides, 兴庆 may cancel."""
    transfer = services.transfer_request(
        actor=None,
        membership=make_member(source),
        to_organisation=cast.xq_union,
        origin="member",
        reason="换工作",
    )
    assert isinstance(transfer, Transfer)
    return transfer


def _inside_yuanzhou(cast) -> Transfer:  # type: ignore[no-untyped-def]
    """A move from 原州's union to its county federation: 兴庆 is no party to it."""
    return services.transfer_request(
        actor=cast.yz_staff, membership=make_member(cast.yz_union), to_organisation=cast.yuanzhou
    )


# --- transfers ------------------------------------------------------------------------------------
def test_transfer_list_filters_and_scope(client, cast) -> None:
    transfer = _incoming(cast, cast.yz_union)
    local = make_member(cast.xingqing)
    services.transfer_request(
        actor=cast.xq_staff, membership=local, to_employer=cast.xq_employer, reason="入职"
    )
    client.force_login(cast.xq_staff)
    body = client.get("/api/v1/members/transfers").json()
    assert body["count"] == 2 and set(body["items"][0]) >= {"id", "state", "id_number_masked"}
    assert "id_number" not in body["items"][0]
    # Both ends of the local one are 兴庆's: it is in either direction; 原州's only "in".
    directions = {
        direction: client.get("/api/v1/members/transfers", {"direction": direction}).json()
        for direction in ("in", "out")
    }
    assert directions["in"]["count"] == 2 and directions["out"]["count"] == 1
    assert client.get("/api/v1/members/transfers", {"state": "completed"}).json()["count"] == 0
    code, fields = _refused(client.get("/api/v1/members/transfers", {"state": "done"}))
    assert code == "invalid_choice" and fields == ["state"]
    code, fields = _refused(client.get("/api/v1/members/transfers", {"direction": "up"}))
    assert code == "invalid_choice" and fields == ["direction"]
    client.force_login(cast.yz_staff)
    body = client.get("/api/v1/members/transfers").json()
    assert [item["id"] for item in body["items"]] == [transfer.pk]
    assert body["items"][0]["from_organisation_code"] == cast.yz_union.code


def test_transfer_detail_and_scope(client, cast) -> None:
    transfer = _incoming(cast, cast.yz_union)
    client.force_login(cast.xq_staff)
    detail = client.get(f"/api/v1/members/transfers/{transfer.pk}").json()
    assert detail["state"] == "pending" and detail["to_organisation_code"] == cast.xq_union.code
    assert "*" in detail["id_number_masked"] and detail["reason"] == "换工作"
    # A transfer between 银川's unions, which 原州 is no party to.
    client.force_login(cast.yz_staff)
    other = services.transfer_request(
        actor=cast.yc_staff, membership=make_member(cast.jinfeng), to_organisation=cast.xq_union
    )
    _not_found(client.get(f"/api/v1/members/transfers/{other.pk}"))


def test_transfer_request_to_an_employer(client, cast) -> None:
    member = make_member(cast.xingqing)
    client.force_login(cast.xq_staff)
    response = _post(
        client,
        f"/api/v1/members/{member.pk}/transfer",
        {"to_employer_id": cast.xq_employer.pk, "reason": "新入职"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "pending" and body["to_organisation_code"] == cast.xq_union.code
    assert body["to_employer_id"] == cast.xq_employer.pk and body["origin"] == "union"
    assert Membership.objects.get(pk=member.pk).state == "transferring"


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({}, "to_employer_id", "required"),
        ({"to_employer_id": "yz", "to_organisation": ""}, "to_employer_id", "unknown_employer"),
        ({"to_organisation": "yz"}, "to_organisation", "unknown_organisation"),
        ({"to_organisation": "xq_union"}, "to_organisation", "same_union"),
        ({"to_employer_id": "xq", "to_organisation": "xingqing"}, "to_organisation", "two_targets"),
    ],
)
def test_transfer_request_refusals(client, cast, payload, field, code) -> None:
    names = {
        "yz": cast.yz_employer.pk,
        "xq": cast.xq_employer.pk,
        "xq_union": cast.xq_union.code,
        "xingqing": cast.xingqing.code,
    }
    if payload.get("to_organisation") == "yz":
        payload = payload | {"to_organisation": cast.yz_union.code}
    payload = {key: names.get(value, value) for key, value in payload.items()}
    member = make_member(cast.xq_union)
    client.force_login(cast.xq_staff)
    response = _post(client, f"/api/v1/members/{member.pk}/transfer", payload)
    assert _refused(response) == (code, [field])
    assert Membership.objects.get(pk=member.pk).state == "active"
    assert not Transfer.objects.exists()


def test_transfer_request_outside_scope_is_404(client, cast) -> None:
    member = make_member(cast.yz_union)
    client.force_login(cast.xq_staff)
    payload = {"to_organisation": cast.xingqing.code}
    _not_found(_post(client, f"/api/v1/members/{member.pk}/transfer", payload))
    assert not Transfer.objects.exists()


def test_confirm_by_the_old_union(client, cast) -> None:
    transfer = _incoming(cast, cast.yz_union)
    url = f"/api/v1/members/transfers/{transfer.pk}/confirm"
    client.force_login(cast.xq_staff)  # the new union sees it but does not decide
    assert _refused(_post(client, url), 403) == ("forbidden", [])
    client.force_login(cast.yz_staff)
    response = _post(client, url)
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "completed"
    assert response.json()["completion"] == "confirmed"
    assert Membership.objects.get(pk=transfer.membership_id).organisation == cast.xq_union
    assert _refused(_post(client, url), 409) == ("conflict", [])
    client.force_login(cast.xq_staff)  # 兴庆 is no party to a move inside 原州
    _not_found(_post(client, f"/api/v1/members/transfers/{_inside_yuanzhou(cast).pk}/confirm"))


def test_reject_needs_a_reason(client, cast) -> None:
    transfer = _incoming(cast, cast.yz_union)
    url = f"/api/v1/members/transfers/{transfer.pk}/reject"
    client.force_login(cast.yz_staff)
    assert _refused(_post(client, url, {"reason": "  "})) == ("required", ["reason"])
    response = _post(client, url, {"reason": "非本人申请"})
    assert response.status_code == 200 and response.json()["state"] == "rejected"
    assert response.json()["note"] == "非本人申请"
    assert Membership.objects.get(pk=transfer.membership_id).state == "active"
    client.force_login(cast.xq_staff)
    other = _inside_yuanzhou(cast)
    _not_found(_post(client, f"/api/v1/members/transfers/{other.pk}/reject", {"reason": "x"}))


def test_cancel_by_the_new_union(client, cast) -> None:
    transfer = _incoming(cast, cast.yz_union)
    url = f"/api/v1/members/transfers/{transfer.pk}/cancel"
    client.force_login(cast.yz_staff)  # the old union rejects instead
    assert _refused(_post(client, url), 403) == ("forbidden", [])
    client.force_login(cast.xq_staff)
    response = _post(client, url, {"reason": "申请有误"})
    assert response.status_code == 200 and response.json()["state"] == "cancelled"
    again = client.post(url, "", content_type=JSON)  # the body may be left out
    assert _refused(again, 409) == ("conflict", [])
    _not_found(_post(client, f"/api/v1/members/transfers/{_inside_yuanzhou(cast).pk}/cancel"))


# --- retain, leave, expel, reactivate -------------------------------------------------------------
def test_retain_at_an_upper_union(client, cast) -> None:
    member = make_member(cast.xq_union)
    client.force_login(cast.xq_staff)
    url = f"/api/v1/members/{member.pk}/retain"
    response = _post(client, url, {"reason": "retirement", "keep_at": cast.xingqing.code})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "retained" and body["organisation_code"] == cast.xingqing.code
    assert "*" in body["phone_masked"] and "phone" not in body
    assert _refused(_post(client, url, {"reason": "retirement"}), 409) == ("conflict", [])


@pytest.mark.parametrize(
    ("actor", "payload", "field", "code"),
    [
        ("xq_staff", {"reason": "holiday"}, "reason", "invalid_choice"),
        ("xq_staff", {"reason": "retirement", "keep_at": "yuanzhou"}, "keep_at", "unknown_organisation"),
        ("nx_admin", {"reason": "retirement", "keep_at": "yuanzhou"}, "keep_at", "not_upper_union"),
    ],
)  # fmt: skip
def test_retain_refusals(client, cast, actor, payload, field, code) -> None:
    member = make_member(cast.xq_union)
    if "keep_at" in payload:
        payload = payload | {"keep_at": cast.yuanzhou.code}
    client.force_login(getattr(cast, actor))
    response = _post(client, f"/api/v1/members/{member.pk}/retain", payload)
    assert _refused(response) == (code, [field])
    assert Membership.objects.get(pk=member.pk).state == "active"


def test_leave(client, cast) -> None:
    member = make_member(cast.xq_union)
    client.force_login(cast.xq_staff)
    url = f"/api/v1/members/{member.pk}/leave"
    response = client.post(url, "", content_type=JSON)  # the body may be left out
    assert response.status_code == 200 and response.json()["state"] == "left"
    assert response.json()["ended_on"]
    assert _refused(_post(client, url), 409) == ("conflict", [])


def test_expel_needs_a_reason(client, cast) -> None:
    member = make_member(cast.xq_union)
    client.force_login(cast.xq_staff)
    url = f"/api/v1/members/{member.pk}/expel"
    assert _refused(_post(client, url, {"reason": ""})) == ("required", ["reason"])
    assert _refused(_post(client, url, {}), 422)[1] == ["reason"]
    response = _post(client, url, {"reason": "严重违反章程"})
    assert response.status_code == 200 and response.json()["state"] == "expelled"


def test_reactivate_a_retained_membership(client, cast) -> None:
    member = make_member(cast.xq_union, state="retained")
    client.force_login(cast.xq_staff)
    url = f"/api/v1/members/{member.pk}/reactivate"
    assert _refused(_post(client, url, {"employer_id": cast.yz_employer.pk})) == (
        "unknown_employer",
        ["employer_id"],
    )
    assert _refused(_post(client, url, {"organisation": cast.yz_union.code})) == (
        "unknown_organisation",
        ["organisation"],
    )
    response = _post(client, url, {"employer_id": cast.xq_employer.pk, "note": "返聘"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "active" and body["employer_name"] == cast.xq_employer.name
    assert _refused(_post(client, url), 409) == ("conflict", [])


def test_reactivate_at_an_inactive_union_is_refused_on_its_field(client, cast) -> None:
    member = make_member(cast.xq_union, state="retained")
    closed = make_org("兴庆已撤销工会", "grassroots", cast.xingqing, "640104")
    closed.status = "dissolved"
    closed.save(update_fields=["status"])
    client.force_login(cast.xq_staff)
    response = _post(
        client, f"/api/v1/members/{member.pk}/reactivate", {"organisation": closed.code}
    )
    assert _refused(response) == ("inactive_union", ["organisation"])


@pytest.mark.parametrize(
    ("action", "payload"),
    [
        ("retain", {"reason": "retirement"}),
        ("leave", {"note": ""}),
        ("expel", {"reason": "违纪"}),
        ("reactivate", {}),
        ("transfer", {"to_organisation": ""}),
    ],
)
def test_another_countys_staff_gets_404(client, cast, action, payload) -> None:
    member = make_member(cast.xq_union, state="retained" if action == "reactivate" else "active")
    client.force_login(cast.yz_staff)
    _not_found(_post(client, f"/api/v1/members/{member.pk}/{action}", payload))
    _not_found(_patch(client, f"/api/v1/members/{member.pk}", {"occupation": "courier"}))
    assert Membership.objects.get(pk=member.pk).state == member.state


# --- corrections ----------------------------------------------------------------------------------
def test_patch_changes_only_the_fields_given(client, cast) -> None:
    member = make_member(cast.xq_union, occupation="production", employer=cast.xq_employer)
    client.force_login(cast.xq_staff)
    url = f"/api/v1/members/{member.pk}"
    response = _patch(client, url, {"phone": "13700001111", "employment_type": "full_time"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["phone_masked"] == "137****1111" and body["employment_type"] == "full_time"
    assert body["occupation"] == "production" and body["employer_name"] == cast.xq_employer.name
    member.refresh_from_db()
    assert member.person.phone == "13700001111"
    cleared = _patch(client, url, {"employer_id": None}).json()
    assert cleared["employer_name"] is None


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({"occupation": "astronaut"}, "occupation", "invalid_choice"),
        ({"phone": "12345"}, "phone", None),
        ({"employer_id": "yz"}, "employer_id", "unknown_employer"),
        ({"employer_id": "other"}, "employer_id", "other_union"),
        ({}, None, "unchanged"),
    ],
)
def test_patch_refusals(client, cast, payload, field, code) -> None:
    other = make_employer("兴庆另一家公司", cast.xingqing, union=make_org(
        "兴庆另一家公司工会", "grassroots", cast.xingqing, "640104"
    ))  # fmt: skip
    ids = {"yz": cast.yz_employer.pk, "other": other.pk}
    payload = {key: ids.get(value, value) for key, value in payload.items()}
    member = make_member(cast.xq_union, employer=cast.xq_employer)
    client.force_login(cast.xq_staff)
    refused_code, fields = _refused(_patch(client, f"/api/v1/members/{member.pk}", payload))
    assert fields == ([field] if field else [])
    if code:
        assert refused_code == code
    member.refresh_from_db()
    assert member.employer == cast.xq_employer and member.occupation == "production"
