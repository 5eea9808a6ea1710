"""``member_count``: live members under a subtree, by state, and its PostgreSQL index."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.members.selectors import member_count
from gonghui.members.tests.factories import make_member
from gonghui.testing import make_org


def test_counts_live_states_of_the_subtree_only(cast) -> None:
    for state in ("active", "transferring", "retained", "left", "expelled"):
        make_member(cast.xq_union, state=state)
    make_member(cast.xingqing)
    make_member(cast.jinfeng)  # sibling subtree
    make_member(cast.yz_union)  # another city
    # The sibling district (金凤区) and the other city stay out of the path range.
    assert member_count(cast.xingqing) == 4
    assert member_count(cast.xq_union) == 3
    assert member_count(cast.yinchuan) == 5
    assert member_count(cast.region) == 6
    assert member_count(cast.xq_union, states=("left", "expelled")) == 2
    assert member_count(cast.jinfeng, states=("left",)) == 0
    empty = make_org("金凤区某新建工会", "grassroots", cast.jinfeng, "640106")
    assert member_count(empty) == 0


def test_postgresql_counts_from_the_partial_live_index(cast) -> None:
    make_member(cast.xq_union)
    with CaptureQueriesContext(connection) as queries:
        assert member_count(cast.yinchuan) == 1
    sql = queries.captured_queries[-1]["sql"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The test tables are tiny and unanalysed, so the planner's choice between this index
            # and the (organisation, state) one is a coin toss: take that one away (the test's
            # transaction rolls the DROP back) and check the partial index serves the count,
            # i.e. the query's state filter matches the index predicate.
            cursor.execute("DROP INDEX members_ms_org_state")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "members_ms_live_org" in plan
        else:
            # SQLite keeps counting from the (organisation, state) index: no extra index.
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'members_ms_live_org'")
            assert cursor.fetchall() == []
