"""PIPL: the join form, the H5 transfer form and the applications API show what is collected,
why and who sees it, and take nothing without the worker's consent (recorded in the audit)."""

from __future__ import annotations

from django.urls import reverse

from gonghui.core.models import ChangeRecord
from gonghui.members.models import JoinApplication, Transfer
from gonghui.members.tests.factories import make_id, make_member


def _join_data(cast, **extra):  # type: ignore[no-untyped-def]
    return {
        "name": "王小丽",
        "id_number": make_id(sex="F"),
        "phone": "13812345678",
        "employer_name": cast.xq_employer.name,
        "occupation": "courier",
    } | extra


def test_join_page_shows_the_notice_and_a_required_consent_box(client, db) -> None:
    body = client.get(reverse("members:join")).content.decode()
    assert 'data-testid="privacy-notice"' in body
    assert "我已阅读并同意" in body and 'name="consent"' in body
    for words in ("身份证号", "手机号", "核实身份", "审核"):  # what, why, who sees it
        assert words in body


def test_join_without_consent_is_refused_on_the_consent_field(client, cast) -> None:
    body = client.post(reverse("members:join"), _join_data(cast)).content.decode()
    assert 'data-testid="consent-error"' in body and "勾选" in body
    assert not JoinApplication.objects.exists()
    response = client.post(reverse("members:join"), _join_data(cast, consent="on"))
    assert 'data-testid="join-done"' in response.content.decode()
    record = ChangeRecord.objects.get(verb="join_application_submit")
    assert record.after["consent"] is True


def test_api_application_requires_consent_true(client, cast) -> None:
    payload = _join_data(cast, employer_id=cast.xq_employer.pk)
    for consent in ({}, {"consent": False}):
        response = client.post(
            "/api/v1/members/applications", payload | consent, content_type="application/json"
        )
        error = response.json()["error"]
        assert response.status_code == 400 and list(error["fields"]) == ["consent"]
        assert "consent" in error["message"] and "个人信息" in error["message"]
        assert error["code"] == "consent_required"
    assert not JoinApplication.objects.exists()
    response = client.post(
        "/api/v1/members/applications",
        payload | {"consent": True},
        content_type="application/json",
    )
    assert response.status_code == 201


def test_h5_transfer_shows_the_notice_and_requires_consent(client, cast) -> None:
    member = make_member(cast.yz_union, phone="13966667777")
    url = reverse("members:member_transfer")
    body = client.get(url).content.decode()
    assert 'data-testid="privacy-notice"' in body and "原工会" in body and 'name="consent"' in body
    data = {
        "id_number": member.person.id_number,
        "phone": "13966667777",
        "employer_credit_code": cast.xq_employer.credit_code,
    }
    body = client.post(url, data).content.decode()
    assert 'data-testid="consent-error"' in body and not Transfer.objects.exists()
    body = client.post(url, data | {"consent": "on"}).content.decode()
    assert 'data-testid="transfer-done"' in body
    record = ChangeRecord.objects.get(verb="transfer_request")
    assert record.after["consent"] is True
