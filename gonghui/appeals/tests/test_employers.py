"""A caller's new employer typed at intake: registered once, matched, offered, routed, audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gonghui.appeals import services
from gonghui.appeals.models import Appeal
from gonghui.appeals.services.employers import EXISTS_CODE
from gonghui.appeals.tests.conftest import FACTS, intake_data
from gonghui.core.models import ChangeRecord
from gonghui.orgs.models import Employer
from gonghui.testing import make_uscc

pytestmark = pytest.mark.django_db

NEW = {"name": "原州区鸿达建筑劳务有限公司", "credit_code": "", "division": "640402"}


def _take(actor, new, key=None, **extra):  # type: ignore[no-untyped-def]
    return services.appeal_intake(
        actor=actor,
        channel="phone",
        data=intake_data(**extra),
        new_employer=new,
        idempotency_key=key,
    )


def test_new_employer_is_registered_audited_and_routes_the_appeal(cast) -> None:
    code = make_uscc(division="640402")
    appeal = _take(cast.hotline, {**NEW, "credit_code": code.lower()})
    employer = Employer.objects.get(credit_code=code)
    assert appeal.employer == employer and appeal.employer_name == NEW["name"]
    # responsible to the 属地 federation of its division, so the appeal goes there
    assert employer.organisation == cast.yuanzhou and employer.division_id == "640402"
    assert employer.details_pending  # industry, size and ownership are placeholders
    routed, reason = services.route_for(appeal.subject, appeal.division, appeal.employer)
    assert routed == cast.yuanzhou and "原州区" in reason
    assert ChangeRecord.objects.filter(verb="employer_create", object_id=str(employer.pk)).exists()
    intake = ChangeRecord.objects.get(verb="appeal_intake", object_id=str(appeal.pk))
    assert intake.after["employer"] == employer.pk and intake.after["employer_created"] is True
    assert appeal.events.filter(kind="note", message__contains=NEW["name"]).exists()


def test_known_credit_code_uses_the_registered_employer(cast) -> None:
    appeal = _take(
        cast.hotline, {"name": "随便写的名字", "credit_code": cast.yz_employer.credit_code}
    )
    assert appeal.employer == cast.yz_employer
    assert appeal.employer_name == cast.yz_employer.name
    assert Employer.objects.count() == 2
    record = ChangeRecord.objects.get(verb="appeal_intake", object_id=str(appeal.pk))
    assert record.after["employer_created"] is False


def test_same_name_in_the_same_division_is_offered_not_duplicated(cast) -> None:
    with pytest.raises(ValidationError) as info:
        _take(cast.hotline, {**NEW, "name": cast.xq_employer.name, "division": "640104"})
    errors = info.value.error_dict["employer_name"]
    assert errors[0].code == EXISTS_CODE
    assert "已在" in errors[0].messages[0]
    assert Employer.objects.count() == 2 and Appeal.objects.count() == 0
    # the same name in another division is another employer
    appeal = _take(cast.hotline, {**NEW, "name": cast.xq_employer.name})
    assert appeal.employer != cast.xq_employer and Employer.objects.count() == 3


def test_bad_new_employer_input_names_each_field_with_the_appeal_errors(cast) -> None:
    with pytest.raises(ValidationError) as info:
        _take(
            cast.hotline,
            {"name": "", "credit_code": "91640000ABC", "division": "999999"},
            phone="1",
        )
    fields = info.value.message_dict
    assert "用人单位" in fields["employer_name"][0]
    assert "统一社会信用代码" in fields["employer_credit_code"][0]
    assert "所在地" in fields["employer_division"][0]
    assert "手机号" in fields["phone"][0]
    assert Employer.objects.count() == 2 and Appeal.objects.count() == 0


def test_staff_cannot_register_employers_outside_their_area(cast) -> None:
    with pytest.raises(ValidationError) as info:
        _take(cast.xq_staff, NEW)
    assert "管辖范围" in info.value.message_dict["employer_division"][0]
    assert Employer.objects.count() == 2
    appeal = _take(cast.xq_staff, {**NEW, "division": "640104"})
    assert appeal.employer.organisation == cast.xingqing


def test_a_retry_with_the_same_key_registers_nothing_twice(cast) -> None:
    first = _take(cast.hotline, NEW, key="call-7")
    again = _take(cast.hotline, NEW, key="call-7")
    assert again.pk == first.pk
    assert Employer.objects.filter(name=NEW["name"]).count() == 1


def test_anonymous_callers_cannot_register_employers(cast) -> None:
    from django.http import Http404

    with pytest.raises(Http404):
        _take(None, NEW)
    assert Employer.objects.count() == 2


# --- the operator's page -----------------------------------------------------------------------


def _post(**extra):  # type: ignore[no-untyped-def]
    data = {
        "phone": "13912345678",
        "caller_name": "王晓东",
        "division": "640104",
        "employer_name": "",
        "facts": FACTS,
        "request_type": "complaint",
        "complexity": "ordinary",
        "channel": "phone",
        "token": "tok-e1",
    }
    data.update(extra)
    return data


def test_operator_registers_a_new_employer_and_dispatch_suggests_its_county(client, cast) -> None:
    client.force_login(cast.hotline)
    body = client.get(reverse("appeals:intake")).content.decode()
    assert "登记为新用人单位" in body and 'id="employer-results"' in body
    response = client.post(
        reverse("appeals:intake"),
        _post(new_employer="on", employer_name=NEW["name"], employer_division="640402"),
    )
    appeal = Appeal.objects.get()
    assert response.url == reverse("appeals:dispatch", args=[appeal.number])
    assert appeal.employer.name == NEW["name"]
    page = client.get(response.url)
    assert page.context["routed"] == cast.yuanzhou
    assert "用人单位所在地" in page.content.decode()


def test_operator_is_offered_the_registered_employer_and_uses_it(client, cast) -> None:
    client.force_login(cast.hotline)
    response = client.post(
        reverse("appeals:intake"), _post(new_employer="on", employer_name=cast.xq_employer.name)
    )
    body = response.content.decode()
    assert response.status_code == 200 and Appeal.objects.count() == 0
    assert 'data-testid="employer-offers"' in body and "已在" in body
    assert [e.pk for e in response.context["offers"]] == [cast.xq_employer.pk]
    response = client.post(
        reverse("appeals:intake"),
        _post(
            new_employer="on",
            employer_name=cast.xq_employer.name,
            use_employer=str(cast.xq_employer.pk),
        ),
    )
    assert response.status_code == 302
    assert Appeal.objects.get().employer == cast.xq_employer
    assert Employer.objects.count() == 2


def test_bad_credit_code_is_shown_on_the_page_in_chinese(client, cast) -> None:
    client.force_login(cast.hotline)
    response = client.post(
        reverse("appeals:intake"),
        _post(new_employer="on", employer_name=NEW["name"], employer_credit_code="123"),
    )
    assert "统一社会信用代码" in response.content.decode()
    assert Appeal.objects.count() == 0 and Employer.objects.count() == 2


def test_picked_employer_and_search_are_scoped(client, cast) -> None:
    client.force_login(cast.xq_staff)
    found = client.get(reverse("appeals:employer_search"), {"employer_name": "有限公司"})
    body = found.content.decode()
    assert cast.xq_employer.name in body and cast.yz_employer.name not in body
    # an employer outside the actor's view cannot be attached by posting its id
    client.post(reverse("appeals:intake"), _post(employer=str(cast.yz_employer.pk)))
    appeal = Appeal.objects.get()
    assert appeal.employer is None
    client.force_login(cast.nobody)
    assert client.get(reverse("appeals:employer_search"), {"q": "有限"}).status_code == 404
