"""To-do signals: join applications to review and transfers to confirm, counted for the user's
own part of the tree (one query each), overdue ones flagged, in the console's navigation."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.core.navigation import nav_badges
from gonghui.members import selectors, services
from gonghui.members.selectors import Backlog
from gonghui.members.tests.factories import make_id, make_member

MONDAY = datetime.date(2026, 3, 2)


def _apply(employer, today=MONDAY):  # type: ignore[no-untyped-def]
    return services.join_application_submit(
        name="王小丽",
        id_number=make_id(sex="F"),
        phone="13812345678",
        occupation="courier",
        employer=employer,
        today=today,
    )


def test_applications_backlog_is_scoped_and_flags_the_overdue(cast) -> None:
    _apply(cast.xq_employer)  # due 2026-03-05
    _apply(cast.xq_employer, today=datetime.date(2026, 3, 9))  # due 2026-03-12
    _apply(cast.yz_employer)
    reviewed = _apply(cast.xq_employer)
    services.join_application_reject(actor=cast.xq_staff, application=reviewed, reason="不符")
    on = datetime.date(2026, 3, 6)
    assert selectors.applications_backlog(actor=cast.xq_staff, today=on) == Backlog(2, 1)
    assert selectors.applications_backlog(actor=cast.yz_staff, today=on) == Backlog(1, 1)
    assert selectors.applications_backlog(actor=cast.nx_admin, today=MONDAY) == Backlog(3, 0)
    assert selectors.applications_backlog(actor=cast.hotline, today=on) == Backlog(0, 0)


def test_transfers_backlog_counts_what_the_old_union_confirms(cast) -> None:
    leaving = make_member(cast.yz_union)
    transfer = services.transfer_request(
        actor=cast.xq_staff, membership=leaving, to_organisation=cast.xq_union, today=MONDAY
    )
    # The old union (原州) confirms; the new one (兴庆) only waits.
    assert selectors.transfers_backlog(actor=cast.yz_staff, today=MONDAY) == Backlog(1, 0)
    assert selectors.transfers_backlog(actor=cast.xq_staff, today=MONDAY) == Backlog(0, 0)
    due = transfer.auto_complete_on
    assert selectors.transfers_backlog(actor=cast.yz_staff, today=due) == Backlog(1, 1)
    services.transfer_confirm(actor=cast.yz_staff, transfer=transfer)
    assert selectors.transfers_backlog(actor=cast.yz_staff, today=due) == Backlog(0, 0)


def test_nav_badges_cost_one_query_each(cast) -> None:
    _apply(cast.xq_employer)
    services.transfer_request(
        actor=cast.yz_staff, membership=make_member(cast.xq_union), to_organisation=cast.yz_union
    )
    nav_badges(cast.xq_staff)  # reads the user's roles once
    with CaptureQueriesContext(connection) as queries:
        badges = nav_badges(cast.xq_staff)
    assert len(queries.captured_queries) == 2
    applications = badges[reverse("members:application_queue")]
    transfers = badges[reverse("members:transfer_list")]
    assert (applications.count, transfers.count) == (1, 1)
    assert "1" in applications.title and "审核" in applications.title
    with CaptureQueriesContext(connection) as queries:
        assert nav_badges(cast.auditor) == {}  # neither capability: nothing asked
    assert not [q for q in queries.captured_queries if "members_" in q["sql"]]


def test_console_shows_the_counts_with_the_overdue_flagged(client, cast) -> None:
    _apply(cast.xq_employer, today=datetime.date(2020, 3, 2))  # long past its deadline
    _apply(cast.xq_employer, today=datetime.date(2100, 3, 1))
    client.force_login(cast.xq_staff)
    for url in (reverse("core:home"), reverse("members:member_list")):
        body = client.get(url).content.decode()
        assert 'data-testid="nav-badge" data-overdue="1">' in body
        assert "2 件待审核，1 件已超期" in body
    queue = client.get(reverse("members:application_queue")).content.decode()
    assert 'data-testid="application-backlog"' in queue and "1 件已超过审核期限" in queue
    client.force_login(cast.yz_staff)
    assert 'data-testid="nav-badge"' not in client.get(reverse("core:home")).content.decode()


def test_transfer_list_flags_what_awaits_confirmation(client, cast) -> None:
    services.transfer_request(
        actor=cast.xq_staff,
        membership=make_member(cast.yz_union),
        to_organisation=cast.xq_union,
        today=datetime.date(2020, 3, 2),
    )
    client.force_login(cast.yz_staff)
    body = client.get(reverse("members:transfer_list")).content.decode()
    assert 'data-testid="transfer-backlog"' in body and 'data-testid="overdue"' in body
    assert "?direction=out&amp;state=pending" in body
    client.force_login(cast.xq_staff)
    body = client.get(reverse("members:transfer_list")).content.decode()
    assert 'data-testid="transfer-backlog"' not in body
