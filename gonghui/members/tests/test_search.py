"""Registry search: name prefix, pinyin initials, exact phone / ID through the keyed hash, card."""

from __future__ import annotations

import datetime

from gonghui.members.selectors import member_count, member_list
from gonghui.members.tests.factories import make_id, make_member


def _names(qs) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(m.person.name for m in qs)


def test_search_by_name_initials_phone_id_card(cast) -> None:
    zhang = make_member(cast.xq_union, name="张宏伟", phone="13911112222")
    make_member(cast.xq_union, name="张红")
    make_member(cast.xq_union, name="李明", occupation="courier")
    admin = cast.nx_admin
    assert _names(member_list(actor=admin, q="张")) == ["张宏伟", "张红"]
    assert _names(member_list(actor=admin, q="张宏")) == ["张宏伟"]
    assert _names(member_list(actor=admin, q="zhw")) == ["张宏伟"]
    assert _names(member_list(actor=admin, q="ZH")) == ["张宏伟", "张红"]
    assert _names(member_list(actor=admin, q="13911112222")) == ["张宏伟"]
    assert _names(member_list(actor=admin, q="139-1111-2222")) == ["张宏伟"]
    assert _names(member_list(actor=admin, q=zhang.person.id_number.lower())) == ["张宏伟"]
    assert _names(member_list(actor=admin, q=zhang.card_number)) == ["张宏伟"]
    assert zhang.card_number.startswith("000")  # read out without its leading zeros:
    assert _names(member_list(actor=admin, q=zhang.card_number.lstrip("0"))) == ["张宏伟"]
    # Exact only: another check character, or part of a phone, finds nobody.
    number = zhang.person.id_number
    other = number[:17] + ("1" if number[17] == "0" else "0")
    assert not member_list(actor=admin, q=other).exists()
    assert not member_list(actor=admin, q="1391111222").exists()
    assert _names(member_list(actor=admin, new_employment_form=True)) == ["李明"]


def test_filters_state_year_subtree(cast) -> None:
    make_member(cast.xq_union, name="甲", joined_on=datetime.date(2016, 3, 1))
    make_member(cast.xq_union, name="乙", state="left", joined_on=datetime.date(2020, 3, 1))
    make_member(cast.yz_union, name="丙", joined_on=datetime.date(2020, 6, 1))
    admin = cast.nx_admin
    assert _names(member_list(actor=admin, join_year=2020)) == ["丙", "乙"]
    assert _names(member_list(actor=admin, state="live")) == ["丙", "甲"]
    assert _names(member_list(actor=admin, state="left")) == ["乙"]
    assert _names(member_list(actor=admin, organisation=cast.guyuan)) == ["丙"]


def test_scope_hides_other_city(cast) -> None:
    other = make_member(cast.yz_union, name="马原州", id_number=make_id("640402"))
    assert not member_list(actor=cast.xq_staff, q="马").exists()
    assert not member_list(actor=cast.xq_staff, q=other.person.id_number).exists()
    assert not member_list(actor=cast.nobody).exists()
    assert member_list(actor=cast.yz_staff, q="马").get() == other
    assert member_count(cast.guyuan) == 1


def test_large_scope_shape_gives_the_same_rows(cast, monkeypatch) -> None:
    """The SQLite shape for large scopes (prefix test instead of the path range) filters alike."""
    from gonghui.members import selectors

    monkeypatch.setattr(selectors, "SMALL_SCOPE_ORGS", 0)
    make_member(cast.xq_union, name="张宏伟")
    make_member(cast.yz_union, name="张原州")
    assert _names(member_list(actor=cast.yc_staff)) == ["张宏伟"]
    assert _names(member_list(actor=cast.xq_staff, q="zh")) == ["张宏伟"]
    assert _names(member_list(actor=cast.nx_admin, organisation=cast.guyuan)) == ["张原州"]
    assert _names(member_list(actor=cast.xq_staff, organisation=cast.guyuan)) == []
    assert _names(member_list(actor=cast.xq_staff, organisation=cast.region)) == ["张宏伟"]
    assert not member_list(actor=cast.nobody).exists()
    assert member_list(actor=cast.yc_staff, for_count=True).count() == 1
    assert member_list(actor=cast.nx_admin, for_count=True).count() == 2
