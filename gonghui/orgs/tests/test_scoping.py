"""Scoping of the organisation tree: each persona sees exactly its subtree."""

from __future__ import annotations

import pytest

from gonghui.orgs import selectors
from gonghui.orgs.models import Organisation


def names(qs) -> set[str]:  # type: ignore[no-untyped-def]
    return set(qs.values_list("name", flat=True))


def test_county_staff_sees_only_own_county(cast) -> None:  # type: ignore[no-untyped-def]
    seen = names(Organisation.objects.visible_to(cast.xq_staff, "org.view"))
    assert seen == {"银川市兴庆区总工会", "兴庆鑫盛机械制造有限公司工会委员会"}


def test_city_staff_sees_city_subtree(cast) -> None:  # type: ignore[no-untyped-def]
    seen = names(Organisation.objects.visible_to(cast.yc_staff, "org.view"))
    assert "银川市金凤区总工会" in seen and "固原市原州区总工会" not in seen
    assert "宁夏回族自治区总工会" not in seen


def test_no_role_sees_nothing_and_superuser_everything(cast) -> None:  # type: ignore[no-untyped-def]
    assert not Organisation.objects.visible_to(cast.nobody, "org.view").exists()
    assert Organisation.objects.visible_to(cast.superuser, "org.view").count() == 8


def test_capability_not_held_sees_nothing(cast) -> None:  # type: ignore[no-untyped-def]
    # The auditor role has no station capability anywhere.
    assert not Organisation.objects.visible_to(cast.auditor, "station.manage").exists()


@pytest.mark.django_db
def test_grassroots_under_city(cast) -> None:  # type: ignore[no-untyped-def]
    assert names(selectors.grassroots_under(cast.yinchuan)) == {
        "兴庆鑫盛机械制造有限公司工会委员会"
    }
    counts = selectors.subtree_counts([cast.yinchuan, cast.guyuan, cast.region])
    assert counts == {cast.yinchuan.pk: 1, cast.guyuan.pk: 1, cast.region.pk: 2}
