"""manage.py periodic: every job of GONGHUI_PERIODIC_JOBS runs; a failing one stops no other."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from gonghui.core.management.commands import periodic
from gonghui.core.models import ChangeRecord
from gonghui.members import services
from gonghui.members.choices import TransferState
from gonghui.members.models import Transfer
from gonghui.members.tests.factories import make_member


def test_once_runs_the_real_jobs(cast) -> None:  # type: ignore[no-untyped-def]
    """A transfer whose completion day has passed is completed, and an audit record older than
    the retention period is pruned, by one `periodic --once`."""
    member = make_member(cast.yz_union)
    transfer = services.transfer_request(
        actor=cast.xq_staff, membership=member, to_organisation=cast.xq_union
    )
    Transfer.objects.filter(pk=transfer.pk).update(auto_complete_on=datetime.date(2020, 1, 1))
    ChangeRecord.objects.update(created_at=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
    call_command("periodic", "--once")
    transfer.refresh_from_db()
    assert transfer.state == TransferState.COMPLETED
    assert not ChangeRecord.objects.filter(created_at__year=2000).exists()


def test_a_failing_job_stops_no_other(db, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings.GONGHUI_PERIODIC_JOBS = {"no_such_command": 60, "audit_prune": 60}
    ran: list[str] = []
    real = periodic.call_command
    monkeypatch.setattr(periodic, "call_command", lambda name: (ran.append(name), real(name)))
    with pytest.raises(SystemExit, match="no_such_command"):
        call_command("periodic", "--once")
    assert ran == ["no_such_command", "audit_prune"]
