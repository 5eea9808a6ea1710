"""The employer after a transfer that names only the new union (services.employer_after_move):
kept where nothing says the member changed jobs, never left pointing at another union's
employer."""

from __future__ import annotations

from gonghui.members import services
from gonghui.members.models import Membership
from gonghui.members.tests.factories import make_member
from gonghui.testing import make_employer


def _transfer_to(cast, member, union) -> Membership:  # type: ignore[no-untyped-def]
    transfer = services.transfer_request(
        actor=cast.nx_admin, membership=member, to_organisation=union
    )
    services.transfer_confirm(actor=cast.nx_admin, transfer=transfer)
    return Membership.objects.select_related("employer").get(pk=member.pk)


def test_the_employer_stays_when_the_new_union_is_its_union(cast) -> None:
    # Kept at the county federation while retained, back to the employer's own union, which
    # covers another employer too (a joint union): the employer is still known.
    make_employer("兴庆第二家公司", cast.xq_union, union=cast.xq_union)
    member = make_member(cast.xingqing, employer=cast.xq_employer, state="retained")
    assert _transfer_to(cast, member, cast.xq_union).employer == cast.xq_employer


def test_the_employer_stays_when_the_new_union_is_the_federation_responsible_for_it(cast) -> None:
    uncovered = make_employer("金凤无工会商贸公司", cast.jinfeng)
    member = make_member(cast.xingqing, employer=uncovered)
    assert _transfer_to(cast, member, cast.jinfeng).employer == uncovered


def test_the_employer_stays_when_the_new_union_has_no_employer_of_its_own(cast) -> None:
    member = make_member(cast.xq_union, employer=cast.xq_employer)
    moved = _transfer_to(cast, member, cast.jinfeng)
    assert moved.organisation == cast.jinfeng and moved.employer == cast.xq_employer


def test_a_union_with_one_employer_gives_its_employer(cast) -> None:
    member = make_member(cast.yz_union, employer=cast.yz_employer)
    assert _transfer_to(cast, member, cast.xq_union).employer == cast.xq_employer


def test_a_union_with_several_employers_leaves_it_unknown(cast) -> None:
    make_employer("兴庆第二家公司", cast.xq_union, union=cast.xq_union)
    member = make_member(cast.yz_union, employer=cast.yz_employer)
    assert _transfer_to(cast, member, cast.xq_union).employer is None


def test_a_named_employer_wins_and_auto_completion_follows_the_same_rule(cast) -> None:
    member = make_member(cast.xq_union, employer=cast.xq_employer)
    transfer = services.transfer_request(
        actor=None, membership=member, to_organisation=cast.jinfeng, origin="member"
    )
    services.transfers_complete_due(today=transfer.auto_complete_on)
    assert Membership.objects.get(pk=member.pk).employer == cast.xq_employer
    other = make_member(cast.xq_union, employer=cast.xq_employer)
    named = make_employer("金凤无工会商贸公司", cast.jinfeng)
    moved = services.transfer_request(actor=cast.nx_admin, membership=other, to_employer=named)
    services.transfer_confirm(actor=cast.nx_admin, transfer=moved)
    other.refresh_from_db()
    assert other.organisation == cast.jinfeng and other.employer == named
