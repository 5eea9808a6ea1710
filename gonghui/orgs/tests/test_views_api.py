"""Console pages and API of the organisation tree."""

from __future__ import annotations

from gonghui.orgs.models import Organisation


def test_tree_page_shows_roots_with_counts(client, cast) -> None:  # type: ignore[no-untyped-def]
    client.force_login(cast.yc_staff)
    response = client.get("/console/orgs/")
    assert response.status_code == 200
    assert response.context["roots"] == [cast.yinchuan]
    assert response.context["counts"] == {cast.yinchuan.pk: 1}


def test_search_is_scoped(client, cast) -> None:  # type: ignore[no-untyped-def]
    client.force_login(cast.xq_staff)
    response = client.get("/console/orgs/", {"q": "工会"})
    names = {o.name for o in response.context["page_obj"]}
    assert names == {"银川市兴庆区总工会", "兴庆鑫盛机械制造有限公司工会委员会"}


def test_create_page_makes_child(client, cast) -> None:  # type: ignore[no-untyped-def]
    client.force_login(cast.yc_staff)
    response = client.post(
        f"/console/orgs/new/?parent={cast.xingqing.code}",
        {
            "name": "兴庆区新基层工会",
            "kind": "grassroots",
            "division": "640104",
            "status": "active",
        },
    )
    assert response.status_code == 302
    assert Organisation.objects.get(name="兴庆区新基层工会").parent == cast.xingqing


def test_create_page_shows_field_error_in_chinese(client, cast) -> None:  # type: ignore[no-untyped-def]
    client.force_login(cast.yc_staff)
    response = client.post(
        f"/console/orgs/new/?parent={cast.xingqing.code}",
        {
            "name": "兴庆区新基层工会",
            "kind": "grassroots",
            "division": "640104",
            "status": "active",
            "credit_code": "123",
        },
    )
    assert response.status_code == 200
    assert "统一社会信用代码" in response.content.decode()
    assert not Organisation.objects.filter(name="兴庆区新基层工会").exists()


def test_api_list_pages_and_scopes(client, cast) -> None:  # type: ignore[no-untyped-def]
    client.force_login(cast.yc_staff)
    body = client.get("/api/v1/orgs/", {"page_size": 2}).json()
    assert body["count"] == 4 and len(body["items"]) == 2
    assert {"code", "name", "kind", "parent_code", "division_code"} <= body["items"][0].keys()
    body = client.get("/api/v1/orgs/", {"kind": "grassroots"}).json()
    assert [item["name"] for item in body["items"]] == ["兴庆鑫盛机械制造有限公司工会委员会"]


def test_api_page_size_limit_has_chinese_error(client, cast) -> None:  # type: ignore[no-untyped-def]
    client.force_login(cast.yc_staff)
    response = client.get("/api/v1/orgs/", {"page_size": 501})
    assert response.status_code == 400
    assert "每页条数" in response.json()["error"]["message"]


def test_api_outside_scope_is_404(client, cast) -> None:  # type: ignore[no-untyped-def]
    client.force_login(cast.xq_staff)
    response = client.get(f"/api/v1/orgs/{cast.yuanzhou.code}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_api_token_auth(client, cast) -> None:  # type: ignore[no-untyped-def]
    from gonghui.accounts.services import api_token_create

    _row, token = api_token_create(actor=cast.yz_staff, user=cast.yz_staff, name="对接")
    response = client.get("/api/v1/orgs/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert {item["code"] for item in response.json()["items"]} == {
        cast.yuanzhou.code,
        cast.yz_union.code,
    }
    assert client.get("/api/v1/orgs/", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401


def test_children_are_paged_and_searchable(client, cast) -> None:  # type: ignore[no-untyped-def]
    from gonghui.orgs.choices import OrgKind
    from gonghui.testing import make_org

    for number in range(55):
        make_org(f"兴庆区第{number:02d}基层工会", OrgKind.GRASSROOTS, cast.xingqing, "640104")
    make_org("兴庆区某街道工会", OrgKind.TOWNSHIP, cast.xingqing, "640104")
    client.force_login(cast.xq_staff)
    response = client.get(f"/console/orgs/{cast.xingqing.code}/")
    children = response.context["children"]
    assert len(children) == 50 and children[0].name == "兴庆区某街道工会"  # federations etc. first
    assert response.context["page_obj"].paginator.count == 57
    assert "共 57 个下级工会" in response.content.decode()
    response = client.get(
        f"/console/orgs/{cast.xingqing.code}/", {"cq": "第07"}, HTTP_HX_REQUEST="true"
    )
    assert [c.name for c in response.context["children"]] == ["兴庆区第07基层工会"]
    assert b"<html" not in response.content  # htmx gets the fragment only
