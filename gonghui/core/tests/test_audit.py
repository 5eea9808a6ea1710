"""The auditors' change record: written in the service's transaction, with request context."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from gonghui.core.models import ChangeRecord
from gonghui.orgs import services


def test_request_id_and_address_recorded(client, cast) -> None:  # type: ignore[no-untyped-def]
    client.force_login(cast.yc_staff)
    response = client.post(
        f"/console/orgs/{cast.xq_union.code}/edit/",
        {
            "name": cast.xq_union.name,
            "kind": "grassroots",
            "division": "640104",
            "status": "active",
            "chair_name": "丁海燕",
        },
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    record = ChangeRecord.objects.get(verb="organisation_update")
    assert record.request_id == response["X-Request-ID"] and len(record.request_id) == 32
    assert record.ip_address == "10.1.2.3" and record.actor_name == "yc_staff"
    assert record.after == {"chair_name": "丁海燕"}


def test_rolled_back_change_leaves_no_record(cast) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError), transaction.atomic():
        services.organisation_update(
            actor=cast.yc_staff, organisation=cast.xq_union, chair_name="甲"
        )
        raise RuntimeError
    assert not ChangeRecord.objects.exists()


def test_prune_respects_retention(cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.GONGHUI_AUDIT_RETENTION_DAYS = 30
    with time_machine.travel(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)):
        services.organisation_update(
            actor=cast.yc_staff, organisation=cast.xq_union, chair_name="甲"
        )
    services.organisation_update(actor=cast.yc_staff, organisation=cast.xq_union, chair_name="乙")
    call_command("audit_prune", "--dry-run")
    assert ChangeRecord.objects.count() == 2
    call_command("audit_prune")
    assert list(ChangeRecord.objects.values_list("after", flat=True)) == [{"chair_name": "乙"}]
