"""Coverage demand from the real member registry: memberships made with the members app's own
services and test factories, counted per workplace (live memberships only)."""

from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command

from gonghui.members import services as member_services
from gonghui.members.tests.factories import make_id, make_member
from gonghui.stations import selectors
from gonghui.stations.tests.helpers import make_station
from gonghui.testing import make_employer

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2026, 11, 23)


def _join(cast, employer, actor):
    """A worker applies on H5 and the employer's union approves: an active membership."""
    application = member_services.join_application_submit(
        name="王小丽",
        id_number=make_id(sex="F"),
        phone="13812345678",
        occupation="delivery_rider",
        employer=employer,
        today=MONDAY,
    )
    return member_services.join_application_approve(
        actor=actor, application=application, today=MONDAY
    )


@pytest.fixture
def registry(cast):
    """兴庆区 employer: 3 joined + 1 retained live, 1 left; 原州区 employer: 2 live, 1 expelled;
    a 金凤区 employer with 500 employees and no members. Employee counts differ from members so
    that the source of the weights shows."""
    for employer, count in ((cast.xq_employer, 80), (cast.yz_employer, 30)):
        employer.employee_count = count
        employer.save()
    idle = make_employer("金凤无会员公司", cast.jinfeng)
    idle.employee_count, idle.division_id = 500, "640106"
    idle.save()
    for _ in range(3):
        _join(cast, cast.xq_employer, cast.xq_staff)
    make_member(cast.xq_union, employer=cast.xq_employer, state="retained")
    leaving = make_member(cast.xq_union, employer=cast.xq_employer)
    member_services.membership_leave(actor=cast.xq_staff, membership=leaving, today=MONDAY)
    for _ in range(2):
        make_member(cast.yz_union, employer=cast.yz_employer)
    make_member(cast.yz_union, employer=cast.yz_employer, state="expelled")
    return {"640104": 4, "640402": 2, "640106": 0, "idle": idle}


def test_member_counts_are_the_live_memberships_per_workplace(cast, registry):
    ids = [cast.xq_employer.pk, cast.yz_employer.pk, registry["idle"].pk]
    assert selectors.member_counts(ids) == {cast.xq_employer.pk: 4, cast.yz_employer.pk: 2}


def test_registry_demand_weights_each_county_by_its_members(cast, registry):
    demand = selectors.registry_demand()
    assert demand.source == "members"
    by_division = dict(zip(demand.division.tolist(), demand.weight.tolist(), strict=True))
    assert by_division == {"640104": 4.0, "640402": 2.0, "640106": 0.0}
    assert selectors.registry_demand("640400").weight.tolist() == [2.0]  # 固原 city


def _command(*args):
    out = StringIO()
    call_command("stations_coverage", *args, stdout=out)
    return json.loads(out.getvalue())


def test_coverage_command_counts_members_as_demand(cast, registry):
    xq = selectors.registry_demand("640104")
    make_station(cast.xq_staff, cast.xingqing, lat=float(xq.lat[0]), lon=float(xq.lon[0]))
    report = _command("--radius", "200")
    assert report["source"] == "members"
    assert report["total_demand"] == 6
    assert report["covered_demand"] == 4
    rows = {r["division"]: r for r in report["by_division"]}
    assert rows["640104"]["total_demand"] == 4 and rows["640104"]["share"] == 1.0
    assert rows["640402"]["total_demand"] == 2 and rows["640402"]["share"] == 0.0
    assert _command("--division", "640402")["total_demand"] == 2
