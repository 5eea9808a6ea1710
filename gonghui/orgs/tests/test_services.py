"""Organisation and employer services: rules, audit, moves, scope on write."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from gonghui.core.errors import ScopeViolation
from gonghui.core.models import ChangeRecord
from gonghui.orgs import selectors, services
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Employer, Organisation
from gonghui.testing import make_uscc


def test_create_grassroots_union_with_credit_code_and_audit(cast) -> None:  # type: ignore[no-untyped-def]
    code = make_uscc("81", "640104")
    org = services.organisation_create(
        actor=cast.yc_staff,
        parent=cast.xingqing,
        name="兴庆区快递网点联合工会",
        kind=OrgKind.JOINT,
        division=cast.xingqing.division,
        credit_code=code.lower(),
    )
    assert org.credit_code == code
    assert org.path.startswith(cast.xingqing.path) and org.depth == cast.xingqing.depth + 1
    assert org.code.startswith("640104")
    record = ChangeRecord.objects.get(object_type="orgs.organisation", object_id=str(org.pk))
    assert record.action == "create" and record.actor == cast.yc_staff
    assert record.organisation_path == org.path


@pytest.mark.parametrize(
    ("prefix", "kind", "message"),
    [("91", OrgKind.GRASSROOTS, "以8开头"), ("89", OrgKind.GRASSROOTS, "以81开头")],
)
def test_union_credit_code_rules(cast, prefix, kind, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as error:
        services.organisation_create(
            actor=cast.yc_staff,
            parent=cast.xingqing,
            name="某工会",
            kind=kind,
            division=cast.xingqing.division,
            credit_code=make_uscc(prefix, "640104"),
        )
    assert message in error.value.message_dict["credit_code"][0]


def test_invalid_credit_code_is_named(cast) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as error:
        services.organisation_create(
            actor=cast.yc_staff,
            parent=cast.xingqing,
            name="某工会",
            kind=OrgKind.GRASSROOTS,
            division=cast.xingqing.division,
            credit_code="81640104000000001X",
        )
    assert "统一社会信用代码" in error.value.message_dict["credit_code"][0]


def test_kinds_nest_by_rule(cast) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as error:
        services.organisation_create(
            actor=cast.yc_staff,
            parent=cast.xq_union,
            name="下级",
            kind=OrgKind.GRASSROOTS,
            division=cast.xingqing.division,
        )
    assert "kind" in error.value.message_dict


def test_create_outside_scope_is_refused(cast) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ScopeViolation):
        services.organisation_create(
            actor=cast.yc_staff,
            parent=cast.yuanzhou,
            name="越权工会",
            kind=OrgKind.GRASSROOTS,
            division=cast.yuanzhou.division,
        )
    assert not Organisation.objects.filter(name="越权工会").exists()


def test_move_subtree_rewrites_descendant_paths(cast) -> None:  # type: ignore[no-untyped-def]
    township = services.organisation_create(
        actor=cast.nx_admin,
        parent=cast.xingqing,
        name="兴庆区某街道工会",
        kind=OrgKind.TOWNSHIP,
        division=cast.xingqing.division,
    )
    child = services.organisation_create(
        actor=cast.nx_admin,
        parent=township,
        name="街道下属基层工会",
        kind=OrgKind.GRASSROOTS,
        division=cast.xingqing.division,
    )
    services.organisation_move(actor=cast.nx_admin, organisation=township, new_parent=cast.jinfeng)
    township.refresh_from_db()
    child.refresh_from_db()
    assert township.parent == cast.jinfeng
    assert township.path.startswith(cast.jinfeng.path)
    assert child.path.startswith(township.path) and child.depth == township.depth + 1
    assert set(selectors.grassroots_under(cast.jinfeng)) == {child}
    assert ChangeRecord.objects.filter(
        verb="organisation_move", object_id=str(township.pk)
    ).exists()


def test_cannot_move_under_own_subtree(cast) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        services.organisation_move(
            actor=cast.nx_admin, organisation=cast.yinchuan, new_parent=cast.xingqing
        )


def test_update_records_only_changed_fields(cast) -> None:  # type: ignore[no-untyped-def]
    services.organisation_update(
        actor=cast.yc_staff, organisation=cast.xq_union, chair_name="马海燕"
    )
    record = ChangeRecord.objects.get(verb="organisation_update")
    assert record.before == {"chair_name": ""} and record.after == {"chair_name": "马海燕"}


def test_employer_without_union_goes_to_county_federation(cast) -> None:  # type: ignore[no-untyped-def]
    employer = services.employer_create(
        actor=cast.xq_staff,
        name="兴庆区某即时配送服务有限公司",
        division=cast.xingqing.division,
        industry="G",
        size="small",
        ownership="private",
        platform_kind="delivery",
        credit_code=make_uscc("91", "640104"),
    )
    assert (
        employer.organisation == cast.xingqing and employer.union is None and employer.is_platform
    )


def test_employer_duplicate_credit_code(cast) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as error:
        services.employer_create(
            actor=cast.xq_staff,
            name="重复单位",
            division=cast.xingqing.division,
            industry="C",
            size="small",
            ownership="private",
            credit_code=cast.xq_employer.credit_code,
        )
    assert "已登记" in error.value.message_dict["credit_code"][0]
    assert not Employer.objects.filter(name="重复单位").exists()
