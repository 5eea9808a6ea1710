"""The API's one error shape, end to end through the real API at /api/v1/: unknown addresses and
methods, request validation in Chinese naming the field, the services' own codes, 429."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.test import Client

JOIN = "/api/v1/members/applications"

pytestmark = pytest.mark.django_db


def _error(response) -> dict:  # type: ignore[no-untyped-def]
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response.json()["error"]


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("path", ["/api/v1/members/nothing-here", "/api/v1/nope", "/api/v1/"])
def test_unknown_address_is_a_json_404(client, settings, debug, path) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = debug
    response = client.get(path)
    assert response.status_code == 404
    assert _error(response) == {
        "code": "not_found",
        "message": "此地址没有 API 接口。",
        "fields": {},
    }


def test_a_missing_final_slash_is_still_redirected(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/orgs")
    assert response.status_code == 301 and response["Location"] == "/api/v1/orgs/"


def test_wrong_method_is_a_json_405(client) -> None:  # type: ignore[no-untyped-def]
    response = client.delete(JOIN)
    assert response.status_code == 405 and response["Allow"]
    error = _error(response)
    assert error["code"] == "method_not_allowed"
    assert error["message"] == "此地址不接受 DELETE 请求，只接受 GET、POST。"


def test_server_error_is_json_without_debug(cast, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("bug")

    monkeypatch.setattr("gonghui.members.api.selectors.member_list", broken)
    client = Client(raise_request_exception=False)
    client.force_login(cast.xq_staff)
    response = client.get("/api/v1/members/")
    assert response.status_code == 500
    assert _error(response)["code"] == "server_error"


def test_schema_errors_are_chinese_and_name_the_field(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post(JOIN, {"name": 5, "phone": "x" * 3}, content_type="application/json")
    assert response.status_code == 422
    error = _error(response)
    assert error["code"] == "invalid"
    assert error["fields"] == {
        "name": ["name：应为文本。"],
        "id_number": ["id_number：此项必填。"],
        "occupation": ["occupation：此项必填。"],
    }
    assert error["message"] == "name：应为文本。id_number：此项必填。occupation：此项必填。"


def test_query_and_path_parameters_are_named_too(client, cast) -> None:  # type: ignore[no-untyped-def]
    client.force_login(cast.xq_staff)
    error = _error(client.get("/api/v1/members/", {"page": "x"}))
    assert error["fields"] == {"page": ["page：应为整数。"]}


def test_schema_errors_follow_the_chosen_language(client) -> None:  # type: ignore[no-untyped-def]
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    error = _error(client.post(JOIN, {"name": "王"}, content_type="application/json"))
    assert error["message"] == (
        "id_number: this field is required. phone: this field is required. "
        "occupation: this field is required."
    )


def test_unreadable_body_is_said_in_chinese(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post(JOIN, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert _error(response) == {
        "code": "invalid_json",
        "message": "请求内容不是有效的 JSON。",
        "fields": {},
    }


def test_a_services_code_is_kept(client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def refuse(**kwargs):  # type: ignore[no-untyped-def]
        raise ValidationError(
            {"id_number": ValidationError("该身份证号已有申请正在审核。", code="already_applied")}
        )

    monkeypatch.setattr("gonghui.members.api.services.join_application_submit", refuse)
    payload = {
        "name": "王小丽",
        "id_number": "1",
        "phone": "2",
        "occupation": "courier",
        "consent": True,
    }
    response = client.post(JOIN, payload, content_type="application/json")
    assert response.status_code == 400
    assert _error(response) == {
        "code": "already_applied",
        "message": "该身份证号已有申请正在审核。",
        "fields": {"id_number": ["该身份证号已有申请正在审核。"]},
    }


def test_several_messages_read_as_sentences(client) -> None:  # type: ignore[no-untyped-def]
    payload = {"name": "", "id_number": "1", "phone": "2", "occupation": "", "consent": True}
    error = _error(client.post(JOIN, payload, content_type="application/json"))
    assert error["code"] == "invalid"
    assert "。；" not in error["message"] and "；；" not in error["message"]
    assert error["message"].startswith("请填写姓名。请选择职业。")
    assert set(error["fields"]) == {"name", "occupation", "id_number", "phone"}


def test_an_endpoints_own_400_is_invalid(client) -> None:  # type: ignore[no-untyped-def]
    error = _error(client.get("/api/v1/stations/", {"facility": "sauna"}))
    assert error["code"] == "invalid" and "sauna" in error["message"]


def test_a_failed_csrf_check_is_said_in_chinese(cast) -> None:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.xq_staff)
    response = client.post("/api/v1/members/applications/1/approve")
    assert response.status_code == 403
    error = _error(response)
    assert error["code"] == "csrf_failed" and "CSRF" in error["message"]
    assert "刷新页面" in error["message"]


def test_too_many_requests_is_rate_limited(client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.GONGHUI_STATIONS_RATE_PER_MINUTE = 1
    assert client.get("/api/v1/stations/").status_code == 200
    response = client.get("/api/v1/stations/")
    assert response.status_code == 429
    error = _error(response)
    assert error["code"] == "rate_limited" and "请求过于频繁" in error["message"]
