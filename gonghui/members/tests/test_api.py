"""The members API: scoped list and detail, public application, review actions."""

from __future__ import annotations

from gonghui.members.models import JoinApplication
from gonghui.members.tests.factories import make_id, make_member


def test_list_searches_and_is_scoped(client, cast) -> None:
    zhang = make_member(cast.xq_union, name="张宏伟", phone="13911112222")
    other = make_member(cast.yz_union, name="张原州")
    client.force_login(cast.xq_staff)
    body = client.get("/api/v1/members/", {"q": "zhw"}).json()
    assert body["count"] == 1 and body["items"][0]["name"] == "张宏伟"
    assert body["items"][0]["phone_masked"] == "139****2222"
    assert "id_number" not in body["items"][0]
    assert client.get("/api/v1/members/", {"q": "张"}).json()["count"] == 1
    assert client.get("/api/v1/members/", {"q": "13911112222"}).json()["count"] == 1
    assert client.get("/api/v1/members/", {"q": zhang.card_number}).json()["count"] == 1
    detail = client.get(f"/api/v1/members/{zhang.pk}").json()
    assert detail["card_number"] == zhang.card_number
    missing = client.get(f"/api/v1/members/{other.pk}")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_public_application_and_review(client, cast) -> None:
    payload = {
        "name": "王小丽",
        "id_number": make_id(sex="F"),
        "phone": "13812345678",
        "occupation": "courier",
        "employer_id": cast.xq_employer.pk,
        "consent": True,
    }
    response = client.post("/api/v1/members/applications", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    application_id = response.json()["id"]
    again = client.post("/api/v1/members/applications", payload, content_type="application/json")
    assert again.status_code == 400 and "id_number" in again.json()["error"]["fields"]
    client.force_login(cast.yz_staff)
    outside = client.post(f"/api/v1/members/applications/{application_id}/approve")
    assert outside.status_code == 404
    client.force_login(cast.xq_staff)
    approved = client.post(f"/api/v1/members/applications/{application_id}/approve")
    assert approved.status_code == 200 and approved.json()["state"] == "active"
    twice = client.post(f"/api/v1/members/applications/{application_id}/approve")
    assert twice.status_code == 409
    assert JoinApplication.objects.get().state == "approved"


def test_bad_application_gets_chinese_fields(client, db) -> None:
    response = client.post(
        "/api/v1/members/applications",
        {"name": "", "id_number": "1", "phone": "2", "occupation": "x", "consent": True},
        content_type="application/json",
    )
    error = response.json()["error"]
    assert response.status_code == 400
    assert {"name", "id_number", "phone", "occupation"} <= set(error["fields"])
    assert "身份证" in error["message"]


def test_reject_via_api(client, cast) -> None:
    from gonghui.members.services import join_application_submit

    application = join_application_submit(
        name="李明",
        id_number=make_id(),
        phone="13912345678",
        occupation="courier",
        employer=cast.xq_employer,
    )
    client.force_login(cast.xq_staff)
    url = f"/api/v1/members/applications/{application.pk}/reject"
    assert client.post(url, {"reason": ""}, content_type="application/json").status_code == 400
    ok = client.post(url, {"reason": "信息有误"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["reject_reason"] == "信息有误"


def test_list_total_comes_from_the_count_shaped_query(client, cast, monkeypatch) -> None:
    """A region-wide list takes its total from ``member_list(for_count=True)`` (on SQLite the
    page's ``substr`` scope test would make the count walk every membership)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gonghui.members import selectors

    for org in (cast.xq_union, cast.yz_union, cast.yuanzhou):
        make_member(org, occupation="delivery_rider")
    make_member(cast.xq_union, state="left")
    monkeypatch.setattr(selectors, "SMALL_SCOPE_ORGS", 0)  # the cast's region counts as large
    shapes: list[bool] = []
    counted: list[int] = []
    real = selectors.member_list

    def spy(**kwargs):  # type: ignore[no-untyped-def]
        shapes.append(kwargs.get("for_count", False))
        qs = real(**kwargs)
        if kwargs.get("for_count"):
            count = qs.count

            def recorded() -> int:
                counted.append(count())
                return counted[-1]

            qs.count = recorded
        return qs

    monkeypatch.setattr(selectors, "member_list", spy)
    client.force_login(cast.nx_admin)
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/api/v1/members/", {"page_size": 2}).json()
    assert set(body) == {"items", "count"}
    assert body["count"] == 4 and len(body["items"]) == 2
    assert sorted(shapes) == [False, True] and counted == [4]
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    counts = [sql for sql in counts if "members_membership" in sql]
    assert len(counts) == 1
    if connection.vendor == "sqlite":
        assert "SUBSTR" not in counts[0].upper()
    filtered = client.get("/api/v1/members/", {"occupation": "delivery_rider", "state": "live"})
    assert filtered.json()["count"] == 3
    assert client.get("/api/v1/members/", {"state": "left"}).json()["count"] == 1


def test_a_refusal_keeps_its_code(client, cast) -> None:
    """One refusal answers with its own code: a wrong check digit, an application already
    waiting."""
    valid = make_id(sex="F")
    payload = {
        "name": "王小丽",
        "id_number": valid[:-1] + ("1" if valid[-1] != "1" else "2"),
        "phone": "13812345678",
        "occupation": "courier",
        "employer_id": cast.xq_employer.pk,
        "consent": True,
    }
    url = "/api/v1/members/applications"
    bad = client.post(url, payload, content_type="application/json").json()["error"]
    assert bad["code"] == "id_checksum" and list(bad["fields"]) == ["id_number"]
    payload["id_number"] = valid
    assert client.post(url, payload, content_type="application/json").status_code == 201
    again = client.post(url, payload, content_type="application/json").json()["error"]
    assert again["code"] == "already_applied"
