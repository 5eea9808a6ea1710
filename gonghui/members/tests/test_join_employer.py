"""A worker's typed new employer: checked when applying, registered (or matched) on approval."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from gonghui.core.models import ChangeRecord, Division
from gonghui.core.validators import uscc_check_character
from gonghui.members import services
from gonghui.members.models import JoinApplication, MembershipEvent
from gonghui.members.tests.factories import make_id
from gonghui.orgs.models import Employer
from gonghui.testing import make_employer, make_uscc

MONDAY = datetime.date(2026, 3, 2)


def _apply_typed(name: str = "原州新开奶茶店", code: str = "", **extra) -> JoinApplication:  # type: ignore[no-untyped-def]
    data = {
        "name": "马小燕",
        "id_number": make_id(sex="F"),
        "phone": "13912345678",
        "occupation": "delivery_rider",
        "employer_name": name,
        "employer_credit_code": code,
        "employer_division": Division.objects.get(pk="640402"),
        "today": MONDAY,
    } | extra
    return services.join_application_submit(**data)


def test_approval_registers_the_typed_employer_in_the_same_transaction(cast) -> None:
    code = make_uscc(division="640402")
    application = _apply_typed(code=code)
    assert application.employer is None and application.organisation == cast.yuanzhou
    membership = services.join_application_approve(
        actor=cast.yz_staff, application=application, today=MONDAY
    )
    employer = Employer.objects.get(credit_code=code)
    assert membership.employer == employer
    assert employer.name == "原州新开奶茶店"
    assert employer.division_id == "640402"
    assert employer.organisation == cast.yuanzhou and employer.union is None
    application.refresh_from_db()
    assert application.employer == employer
    created = ChangeRecord.objects.get(verb="employer_create", object_id=str(employer.pk))
    assert created.actor == cast.yz_staff
    approved = ChangeRecord.objects.get(verb="join_application_approve")
    assert approved.after["employer"] == employer.pk and approved.after["employer_created"]
    event = MembershipEvent.objects.get(membership=membership, kind="joined")
    assert event.data["employer"] == employer.pk and event.data["employer_created"] is True


def test_typed_employer_without_code_is_registered_once_then_matched_by_name(cast) -> None:
    first = services.join_application_approve(actor=cast.yz_staff, application=_apply_typed())
    second = services.join_application_approve(actor=cast.yz_staff, application=_apply_typed())
    assert first.employer is not None and first.employer.credit_code is None
    assert second.employer == first.employer
    assert Employer.objects.filter(name="原州新开奶茶店").count() == 1
    assert ChangeRecord.objects.filter(verb="employer_create").count() == 1
    record = ChangeRecord.objects.filter(verb="join_application_approve").order_by("pk").last()
    assert record.after["employer_created"] is False


def test_name_match_is_limited_to_the_reviewing_unions_scope(cast) -> None:
    # The same name in 兴庆区 is another shop: the 原州区 review registers its own.
    elsewhere = make_employer("原州新开奶茶店", cast.xingqing)
    membership = services.join_application_approve(actor=cast.yz_staff, application=_apply_typed())
    assert membership.employer is not None and membership.employer != elsewhere
    assert membership.employer.organisation == cast.yuanzhou


def test_employer_registered_meanwhile_is_matched_by_credit_code(cast) -> None:
    code = make_uscc(division="640402")
    application = _apply_typed(code=code)
    meanwhile = make_employer("六盘山奶茶有限公司", cast.yuanzhou)
    Employer.objects.filter(pk=meanwhile.pk).update(credit_code=code)
    membership = services.join_application_approve(actor=cast.yz_staff, application=application)
    assert membership.employer == meanwhile
    assert not ChangeRecord.objects.filter(verb="employer_create").exists()


def test_failed_registration_rolls_back_the_whole_approval(cast, monkeypatch) -> None:
    application = _apply_typed()

    def refuse(**kwargs):  # type: ignore[no-untyped-def]
        Employer.objects.create(
            name="half written",
            division_id="640402",
            industry="O",
            size="small",
            ownership="other",
            organisation=cast.yuanzhou,
        )
        raise ValidationError({"division": "boom"})

    monkeypatch.setattr(services.joining, "employer_create", refuse)
    with pytest.raises(ValidationError):
        services.join_application_approve(actor=cast.yz_staff, application=application)
    application.refresh_from_db()
    assert application.state == "pending" and application.membership is None
    assert not Employer.objects.filter(name="half written").exists()


@pytest.mark.parametrize(
    "code",
    [
        "91640402ABC",  # wrong shape
        "91640402000000001" + ("0" if uscc_check_character("91640402000000001") != "0" else "1"),
    ],
)
def test_bad_credit_code_is_caught_when_applying_with_the_field_named(cast, code) -> None:
    with pytest.raises(ValidationError) as raised:
        _apply_typed(code=code, phone="12345")  # reported together with the other fields
    errors = raised.value.message_dict
    assert set(errors) == {"employer_credit_code", "phone"}
    # The service gives the validator's message; the page and the API put the label before it.
    assert errors["employer_credit_code"][0].startswith("统一社会信用代码")
    assert not JoinApplication.objects.exists()


def test_bad_credit_code_on_the_h5_form_and_the_api(client, cast) -> None:
    data = {
        "name": "马小燕",
        "id_number": make_id(sex="F"),
        "phone": "13912345678",
        "occupation": "delivery_rider",
        "employer_name": "原州新开奶茶店",
        "employer_credit_code": "91640402ABC",
        "employer_division": "640402",
    }
    page = client.post("/m/join", data | {"consent": "on"})
    assert page.status_code == 200
    assert "单位统一社会信用代码：统一社会信用代码应为18位" in page.content.decode()
    answer = client.post(
        "/api/v1/members/applications", data | {"consent": True}, content_type="application/json"
    )
    assert answer.status_code == 400
    body = answer.json()["error"]
    assert "employer_credit_code" in body["fields"]
    assert body["message"].startswith("单位统一社会信用代码：")
    assert not JoinApplication.objects.exists()


def test_console_review_says_so_and_approval_links_the_new_employer(client, cast) -> None:
    from django.urls import reverse

    application = _apply_typed(code=make_uscc(division="640402"))
    client.force_login(cast.yz_staff)
    url = reverse("members:application_detail", args=[application.pk])
    page = client.get(url).content.decode()
    assert "审核通过时将登记该单位" in page
    response = client.post(url, {"action": "approve"})
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "原州新开奶茶店" in detail
    application.refresh_from_db()
    assert application.employer is not None and application.employer.name == "原州新开奶茶店"
    assert "审核通过时将登记该单位" not in client.get(url).content.decode()


def test_a_bad_credit_code_is_named_once_on_the_page_and_in_the_api(client, cast) -> None:
    """The form puts its label before the message; the API, answering with messages alone,
    names the field itself: "单位统一社会信用代码" once in each, never twice."""
    bad_code = cast.xq_employer.credit_code[:-1] + (
        "0" if cast.xq_employer.credit_code[-1] != "0" else "1"
    )
    data = {
        "name": "王小丽",
        "id_number": make_id(sex="F"),
        "phone": "13812345678",
        "employer_name": "新开的奶茶店",
        "employer_credit_code": bad_code,
        "occupation": "courier",
    }
    page = client.post("/m/join", data | {"consent": "on"}).content.decode()
    assert page.count("单位统一社会信用代码：") == 1
    assert "单位统一社会信用代码：统一社会信用代码" in page
    api = client.post(
        "/api/v1/members/applications",
        data | {"consent": True},
        content_type="application/json",
    ).json()["error"]
    assert api["message"].count("单位统一社会信用代码") == 1
    assert api["fields"]["employer_credit_code"][0].startswith("单位统一社会信用代码：")
    assert api["code"] == "uscc_invalid", api


def test_the_employer_search_is_rate_limited_per_client(client, cast, monkeypatch) -> None:
    """The public look-up answers a network's typing, not a copy of the employer register."""
    from gonghui.members import throttle

    monkeypatch.setattr(throttle, "SEARCH_LIMIT", (3, 3600))
    name = cast.xq_employer.name[:4]
    pages = [
        client.get("/m/join/employers", {"employer_name": name}).content.decode() for _ in range(4)
    ]
    assert all(cast.xq_employer.name in page for page in pages[:3])
    assert cast.xq_employer.name not in pages[3] and "搜索过于频繁" in pages[3]
    other = client.get("/m/join/employers", {"employer_name": name}, REMOTE_ADDR="198.51.100.7")
    assert cast.xq_employer.name in other.content.decode()


def test_the_registered_employer_is_marked_details_pending(cast) -> None:
    membership = services.join_application_approve(actor=cast.yz_staff, application=_apply_typed())
    employer = membership.employer
    assert employer is not None and employer.details_pending
    assert (employer.industry, employer.size, employer.ownership) == ("O", "small", "other")
    picked = make_employer("原州老字号面馆", cast.yuanzhou)
    other = services.join_application_approve(
        actor=cast.yz_staff, application=_apply_typed(name="原州老字号面馆")
    )
    assert other.employer == picked and not picked.details_pending
