"""Console and H5 pages: joining on the phone, review, reveal, export, scope."""

from __future__ import annotations

import io

import openpyxl
from django.urls import reverse

from gonghui.core.models import ChangeRecord
from gonghui.members.models import JoinApplication, Membership
from gonghui.members.tests.factories import make_id, make_member


def test_worker_joins_on_h5_and_checks_progress(client, cast) -> None:
    id_number = make_id(sex="F")
    page = client.get(reverse("members:join"))
    assert page.status_code == 200 and "入会" in page.content.decode()
    response = client.post(
        reverse("members:join"),
        {
            "name": "王小丽",
            "id_number": id_number,
            "phone": "13812345678",
            "employer_name": cast.xq_employer.name,
            "occupation": "delivery_rider",
            "consent": "on",
        },
    )
    assert response.status_code == 200
    assert cast.xq_union.name in response.content.decode()
    application = JoinApplication.objects.get()
    assert application.employer == cast.xq_employer
    status = client.post(
        reverse("members:join_status"), {"id_number": id_number, "phone": "13812345678"}
    )
    assert "待审核" in status.content.decode()
    wrong = client.post(
        reverse("members:join_status"), {"id_number": id_number, "phone": "13800000000"}
    )
    assert "没有" in wrong.content.decode() or "未找到" in wrong.content.decode()


def test_join_form_shows_chinese_field_errors(client, db) -> None:
    response = client.post(
        reverse("members:join"),
        {"name": "王", "id_number": "123", "phone": "555", "occupation": "courier"},
    )
    body = response.content.decode()
    assert "身份证" in body and "手机" in body
    assert not JoinApplication.objects.exists()


def test_employer_suggestions_are_public(client, cast) -> None:
    response = client.get(reverse("members:join_employers"), {"employer_name": "兴庆鑫盛"})
    assert cast.xq_employer.name in response.content.decode()


def test_join_is_rate_limited(client, db, settings) -> None:
    from gonghui.members import throttle

    throttle.JOIN_LIMIT = (2, 60)
    try:
        for _ in range(3):
            response = client.post(
                reverse("members:join"),
                {
                    "name": "王",
                    "id_number": make_id(),
                    "phone": "13812345678",
                    "employer_name": "某公司",
                    "occupation": "courier",
                    "consent": "on",
                },
            )
        assert "过于频繁" in response.content.decode()
    finally:
        throttle.JOIN_LIMIT = (10, 3600)


def test_staff_reviews_queue_and_approves(client, cast) -> None:
    from gonghui.members.services import join_application_submit

    application = join_application_submit(
        name="李明",
        id_number=make_id(),
        phone="13912345678",
        occupation="courier",
        employer=cast.xq_employer,
    )
    client.force_login(cast.xq_staff)
    queue = client.get(reverse("members:application_queue"))
    assert "李明" in queue.content.decode()
    response = client.post(
        reverse("members:application_detail", args=[application.pk]), {"action": "approve"}
    )
    membership = Membership.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("members:member_detail", args=[membership.pk])
    detail = client.get(response["Location"]).content.decode()
    assert membership.card_number in detail and "入会" in detail


def test_reject_requires_reason(client, cast) -> None:
    from gonghui.members.services import join_application_submit

    application = join_application_submit(
        name="李明",
        id_number=make_id(),
        phone="13912345678",
        occupation="courier",
        employer=cast.xq_employer,
    )
    client.force_login(cast.xq_staff)
    url = reverse("members:application_detail", args=[application.pk])
    client.post(url, {"action": "reject", "reason": ""})
    application.refresh_from_db()
    assert application.state == "pending"
    client.post(url, {"action": "reject", "reason": "不是本单位职工"})
    application.refresh_from_db()
    assert application.state == "rejected"


def test_detail_masks_and_reveal_is_audited(client, cast) -> None:
    member = make_member(cast.xq_union, phone="13955556666")
    url = reverse("members:member_detail", args=[member.pk])
    client.force_login(cast.xq_staff)  # org_staff: no pii.reveal
    body = client.get(url).content.decode()
    assert "139****6666" in body and "13955556666" not in body
    assert member.person.id_number not in body and "reveal-id" not in body
    reveal = reverse("members:member_reveal", args=[member.pk, "phone"])
    assert client.post(reveal).status_code == 404
    client.force_login(cast.yc_staff)  # federation_admin: holds pii.reveal
    assert "reveal-id" in client.get(url).content.decode()
    response = client.post(reveal)
    assert "13955556666" in response.content.decode()
    record = ChangeRecord.objects.get(action="reveal")
    assert record.actor == cast.yc_staff and record.verb == "reveal:phone"
    assert (
        client.post(reverse("members:member_reveal", args=[member.pk, "name"])).status_code == 404
    )


def test_staff_cannot_open_other_county_member(client, cast) -> None:
    other = make_member(cast.yz_union)
    client.force_login(cast.xq_staff)
    assert client.get(reverse("members:member_detail", args=[other.pk])).status_code == 404
    listing = client.get(reverse("members:member_list")).content.decode()
    assert other.card_number not in listing


def _export(client) -> list[tuple]:  # type: ignore[no-untyped-def]
    response = client.get(reverse("members:member_export"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


def test_export_masked_and_formula_escaped(client, cast) -> None:
    member = make_member(cast.xq_union, name="=HYPERLINK(1)", phone="13977778888")
    client.force_login(cast.xq_staff)
    rows = _export(client)
    assert len(rows) == 2
    row = rows[1]
    assert row[1] == "'=HYPERLINK(1)"
    assert "139****8888" in row and member.person.id_number not in row
    assert ChangeRecord.objects.get(action="export").verb == "members_export"


def test_export_unmasked_for_reveal_holder_is_audited(client, cast) -> None:
    member = make_member(cast.xq_union, phone="13977778888")
    client.force_login(cast.yc_staff)
    rows = _export(client)
    assert member.person.id_number in rows[1] and "13977778888" in rows[1]
    record = ChangeRecord.objects.get(action="export")
    assert record.verb == "members_export_unmasked" and record.after["rows"] == 1


def test_state_change_from_detail(client, cast) -> None:
    member = make_member(cast.xq_union)
    client.force_login(cast.xq_staff)
    client.post(
        reverse("members:member_change", args=[member.pk]),
        {"action": "retain", "reason": "retirement"},
    )
    member.refresh_from_db()
    assert member.state == "retained"


def test_transfer_in_page_and_confirm(client, cast) -> None:
    member = make_member(cast.yz_union, name="马强")
    client.force_login(cast.xq_staff)
    response = client.post(
        reverse("members:transfer_new"),
        {
            "id_number": member.person.id_number,
            "name": "马强",
            "to_employer": cast.xq_employer.credit_code,
        },
    )
    assert response.status_code == 302
    wrong = client.post(
        reverse("members:transfer_new"),
        {"id_number": make_id(), "name": "马强", "to_employer": cast.xq_employer.credit_code},
    )
    assert "不匹配" in wrong.content.decode() or "没有" in wrong.content.decode()
    client.force_login(cast.yz_staff)
    transfer_url = response["Location"]
    assert "马强" in client.get(reverse("members:transfer_list")).content.decode()
    client.post(transfer_url, {"action": "confirm"})
    member.refresh_from_db()
    assert member.organisation == cast.xq_union and member.state == "active"


def test_member_asks_transfer_on_h5(client, cast) -> None:
    member = make_member(cast.yz_union, phone="13966667777")
    response = client.post(
        reverse("members:member_transfer"),
        {
            "id_number": member.person.id_number,
            "phone": "13966667777",
            "employer_credit_code": cast.xq_employer.credit_code,
            "consent": "on",
        },
    )
    assert 'data-testid="transfer-done"' in response.content.decode()
    member.refresh_from_db()
    assert member.state == "transferring"


def test_admin_never_shows_personal_data(client, cast) -> None:
    member = make_member(cast.xq_union, phone="13944445555")
    client.force_login(cast.superuser)
    page = client.get(f"/admin/members/person/{member.person.pk}/change/")
    body = page.content.decode()
    assert page.status_code == 200
    assert member.person.id_number not in body and "13944445555" not in body
