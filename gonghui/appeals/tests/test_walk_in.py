"""The walk-in desk (来访登记): ID read in, receiving union, station, scanned documents."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gonghui.appeals.models import Appeal
from gonghui.appeals.tests.conftest import FACTS
from gonghui.core.models import ChangeRecord
from gonghui.members.tests.factories import make_id, make_member
from gonghui.stations.models import Station, StationKind
from gonghui.testing import make_user

pytestmark = pytest.mark.django_db


def make_station(org, name="兴庆区环卫工人驿站", code="ST640104001", status="built"):  # type: ignore[no-untyped-def]
    return Station.objects.create(
        code=code,
        kind=StationKind.objects.order_by("pk").first(),
        name=name,
        address="兴庆区解放东街1号",
        division_id=org.division_id,
        lat=38.47,
        lon=106.28,
        organisation=org,
        status=status,
    )


def _post(**extra):  # type: ignore[no-untyped-def]
    data = {
        "id_number": "",
        "caller_name": "马建军",
        "phone": "13995001234",
        "division": "640104",
        "employer_name": "",
        "facts": FACTS,
        "demand": "请帮忙讨薪",
        "request_type": "complaint",
        "complexity": "ordinary",
        "token": "walk-1",
    }
    data.update(extra)
    return data


def test_walk_in_page_defaults_to_own_union_and_lists_own_stations(client, cast) -> None:
    mine = make_station(cast.xingqing)
    other = make_station(cast.yuanzhou, name="原州驿站", code="ST640402001")
    make_station(cast.xingqing, name="规划中的驿站", code="ST640104009", status="planned")
    client.force_login(cast.xq_staff)
    response = client.get(reverse("appeals:walk_in"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.fields["organisation"].initial == str(cast.xingqing.pk)
    stations = dict(form.fields["station"].choices)
    assert str(mine.pk) in stations and str(other.pk) not in stations and len(stations) == 2
    body = response.content.decode()
    assert "来访登记" in body and 'enctype="multipart/form-data"' in body


def test_walk_in_is_recorded_at_the_station_with_scanned_documents(client, cast) -> None:
    station = make_station(cast.xingqing)
    id_number = make_id("640104")
    client.force_login(cast.xq_staff)
    files = [
        SimpleUploadedFile("工资条.pdf", b"%PDF-1.4 slip", content_type="application/pdf"),
        SimpleUploadedFile("合同.pdf", b"%PDF-1.4 contract", content_type="application/pdf"),
    ]
    response = client.post(
        reverse("appeals:walk_in"),
        {
            **_post(id_number=id_number, station=str(station.pk)),
            "organisation": str(cast.xingqing.pk),
            "files": files,
        },
    )
    appeal = Appeal.objects.get()
    assert response.url == reverse("appeals:dispatch", args=[appeal.number])
    assert appeal.channel == "walk_in" and appeal.organisation == cast.xingqing
    assert appeal.station == station and appeal.id_number == id_number
    assert appeal.subject.code == "wage"  # the same suggestion as the hotline
    assert appeal.attachments.count() == 2 and not appeal.attachments.filter(public=True)
    received = appeal.events.get(kind="received")
    assert station.name in received.message and received.public
    record = ChangeRecord.objects.get(verb="appeal_intake", object_id=str(appeal.pk))
    assert record.after["station"] == station.pk and record.after["channel"] == "walk_in"
    # a double submit (same token) does not record the visit twice
    client.post(
        reverse("appeals:walk_in"),
        {**_post(id_number=id_number), "organisation": str(cast.xingqing.pk)},
    )
    assert Appeal.objects.count() == 1
    # routing: the same table as the hotline
    page = client.get(response.url)
    assert "属地工会" in page.content.decode()


def test_walk_in_bad_input_in_chinese_and_nothing_stored(client, cast) -> None:
    client.force_login(cast.xq_staff)
    response = client.post(
        reverse("appeals:walk_in"),
        {
            **_post(id_number="640104199001011230", phone="12"),
            "organisation": str(cast.xingqing.pk),
            "files": [SimpleUploadedFile("a.exe", b"MZ", content_type="application/x-msdownload")],
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "身份证" in body and "手机号" in body
    assert Appeal.objects.count() == 0
    response = client.post(
        reverse("appeals:walk_in"),
        {
            **_post(token="walk-2"),
            "organisation": str(cast.xingqing.pk),
            "files": [SimpleUploadedFile("a.exe", b"MZ", content_type="application/x-msdownload")],
        },
    )
    assert "JPG" in response.content.decode() and Appeal.objects.count() == 0


def test_walk_in_cannot_pick_a_union_or_station_outside_the_area(client, cast) -> None:
    other = make_station(cast.yuanzhou, name="原州驿站", code="ST640402001")
    client.force_login(cast.xq_staff)
    response = client.post(
        reverse("appeals:walk_in"),
        {**_post(station=str(other.pk)), "organisation": str(cast.yuanzhou.pk)},
    )
    assert response.status_code == 200 and Appeal.objects.count() == 0
    errors = response.context["form"].errors
    assert "organisation" in errors and "station" in errors


def test_service_refuses_receiving_union_and_station_outside_the_area(cast) -> None:
    from django.core.exceptions import ValidationError

    from gonghui.appeals import services
    from gonghui.appeals.tests.conftest import intake_data

    other = make_station(cast.yuanzhou, name="原州驿站", code="ST640402001")
    with pytest.raises(ValidationError) as info:
        services.appeal_intake(
            actor=cast.xq_staff,
            channel="walk_in",
            data=intake_data(),
            organisation=cast.yuanzhou,
            station=other,
        )
    assert {"organisation", "station"} & set(info.value.message_dict)
    assert Appeal.objects.count() == 0


def test_visitor_lookup_derives_birth_and_finds_the_member_in_scope(client, cast) -> None:
    id_number = make_id("640104", birth="19880215", sex="F")
    member = make_member(cast.xq_union, name="马丽", id_number=id_number)
    client.force_login(cast.xq_staff)
    body = client.get(reverse("appeals:walk_in_visitor"), {"id_number": id_number}).content.decode()
    assert "1988-02-15" in body and "女" in body and "兴庆区" in body
    assert "马丽" in body and member.organisation.name in body
    bad = client.get(reverse("appeals:walk_in_visitor"), {"id_number": "640104198802151234"})
    assert 'data-testid="visitor-error"' in bad.content.decode()
    # another county's staff learn the facts in the number, not the member's name
    client.force_login(cast.yz_staff)
    body = client.get(reverse("appeals:walk_in_visitor"), {"id_number": id_number}).content.decode()
    assert "1988-02-15" in body and "马丽" not in body
    client.force_login(cast.nobody)
    assert (
        client.get(reverse("appeals:walk_in_visitor"), {"id_number": id_number}).status_code == 404
    )


def test_visitor_lookup_lists_earlier_appeals_of_the_id(client, cast, make_appeal) -> None:
    id_number = make_id("640104")
    earlier = make_appeal(id_number=id_number)
    client.force_login(cast.hotline)
    body = client.get(reverse("appeals:walk_in_visitor"), {"id_number": id_number}).content.decode()
    assert earlier.number in body


def test_walk_in_in_the_navigation_for_intake_roles(client, cast) -> None:
    handler = make_user("handler_only", "appeal_handler", cast.xingqing)
    client.force_login(cast.xq_staff)
    assert reverse("appeals:walk_in") in client.get(reverse("core:home")).content.decode()
    client.force_login(handler)
    assert reverse("appeals:walk_in") not in client.get(reverse("core:home")).content.decode()
    assert client.get(reverse("appeals:walk_in")).status_code == 404
