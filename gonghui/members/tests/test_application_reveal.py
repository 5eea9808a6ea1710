"""The reviewer reaches the applicant: the join application's ID number and phone are masked,
with the same audited reveal as the member's page for pii.reveal holders."""

from __future__ import annotations

from django.urls import reverse

from gonghui.core.models import ChangeRecord
from gonghui.members import services
from gonghui.members.tests.factories import make_id


def _application(cast, employer=None):  # type: ignore[no-untyped-def]
    return services.join_application_submit(
        name="王小丽",
        id_number=make_id(sex="F"),
        phone="13812345678",
        occupation="courier",
        employer=employer or cast.xq_employer,
    )


def test_application_reveal_is_gated_and_audited(client, cast) -> None:
    application = _application(cast)
    detail = reverse("members:application_detail", args=[application.pk])
    reveal = reverse("members:application_reveal", args=[application.pk, "phone"])
    client.force_login(cast.xq_staff)  # org_staff: reviews, but may not reveal
    body = client.get(detail).content.decode()
    assert "138****5678" in body and "13812345678" not in body
    assert application.id_number not in body and 'data-testid="reveal-phone"' not in body
    assert client.post(reveal).status_code == 404
    assert not ChangeRecord.objects.filter(action="reveal").exists()

    client.force_login(cast.yc_staff)  # federation_admin: holds pii.reveal over 兴庆
    body = client.get(detail).content.decode()
    assert 'data-testid="reveal-phone"' in body and 'data-testid="reveal-id"' in body
    assert "13812345678" in client.post(reveal).content.decode()
    id_reveal = reverse("members:application_reveal", args=[application.pk, "id_number"])
    assert application.id_number in client.post(id_reveal).content.decode()
    records = ChangeRecord.objects.filter(action="reveal").order_by("pk")
    assert [r.verb for r in records] == ["reveal:phone", "reveal:id_number"]
    assert {r.object_type for r in records} == {"members.joinapplication"}
    assert records[0].actor == cast.yc_staff
    assert records[0].organisation_path == cast.xq_union.path
    name = reverse("members:application_reveal", args=[application.pk, "name"])
    assert client.post(name).status_code == 404
    assert client.get(reveal).status_code == 405


def test_application_reveal_outside_scope_is_404(client, cast) -> None:
    application = _application(cast, cast.yz_employer)
    client.force_login(cast.yc_staff)
    reveal = reverse("members:application_reveal", args=[application.pk, "phone"])
    assert client.post(reveal).status_code == 404
    assert not ChangeRecord.objects.filter(action="reveal").exists()
