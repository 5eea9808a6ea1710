"""Permission-contract entries of the accounts app (see gonghui/orgs/tests/contract.py)."""

from __future__ import annotations

from gonghui.testing import make_user


def _staff(cast, org):  # type: ignore[no-untyped-def]
    return {"pk": make_user(f"s{org.pk}", "org_staff", org).pk}


def _assignment(cast, org):  # type: ignore[no-untyped-def]
    user = make_user(f"a{org.pk}", "org_staff", org)
    return {"pk": user.pk, "assignment_pk": user.role_assignments.get().pk}


SCOPED: dict = {}
URLS = {
    "accounts:staff_detail": ("staff.manage", _staff),
    "accounts:role_revoke": ("staff.manage", _assignment),
}
API: dict = {}
ESCAPES: list = []


def _token(cast, org):  # type: ignore[no-untyped-def]
    from gonghui.accounts.services import api_token_create

    user = make_user(f"t{org.pk}", "org_staff", org)
    return {"pk": api_token_create(actor=user, user=user, name="test")[0].pk}


URLS["accounts:token_revoke"] = ("staff.manage", _token)
