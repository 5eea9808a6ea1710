"""Permission-contract entries of mass enrolment (see tests/test_permission_contract.py)."""

from __future__ import annotations

from gonghui.memberimport.tests.factories import member_row, xlsx_bytes

_seq = {"n": 0}


def _batch(cast, org):  # type: ignore[no-untyped-def]
    from gonghui.memberimport.services import batch_preview

    _seq["n"] += 1
    batch, _ = batch_preview(
        actor=cast.superuser,
        organisation=org,
        file_name="contract.xlsx",
        data=xlsx_bytes([member_row(_seq["n"]), member_row(_seq["n"], **{"手机号": "1"})]),
    )
    return batch


def _pk(cast, org):  # type: ignore[no-untyped-def]
    return {"pk": _batch(cast, org).pk}


def _batch_id(cast, org):  # type: ignore[no-untyped-def]
    return {"batch_id": _batch(cast, org).pk}


SCOPED = {"memberimport.ImportBatch": ("member.import", _batch)}
URLS = {
    f"memberimport:{name}": ("member.import", _pk)
    for name in ("batch_detail", "batch_progress", "batch_report", "batch_apply", "batch_undo")
}
API = {
    f"/api/v1/members/imports/{{batch_id}}{suffix}": _batch_id
    for suffix in ("", "/report", "/apply", "/undo")
}


def _import_into_other_county(cast):  # type: ignore[no-untyped-def]
    from gonghui.memberimport.services import batch_preview

    batch_preview(
        actor=cast.xq_staff,
        organisation=cast.yz_union,
        file_name="escape.xlsx",
        data=xlsx_bytes([member_row(700)]),
    )


def _state(cast):  # type: ignore[no-untyped-def]
    from gonghui.memberimport.models import ImportBatch
    from gonghui.members.models import Membership

    return (ImportBatch.objects.count(), Membership.objects.count())


ESCAPES = [(_import_into_other_county, _state)]
