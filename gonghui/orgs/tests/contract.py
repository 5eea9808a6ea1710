"""What the permission contract test (tests/test_permission_contract.py) needs from this app.

SCOPED: for each scoped model, the capability that reads it and a factory making one row that
belongs to a given organisation of the cast. URLS: for each console URL name with arguments, the
capability and a function giving the URL kwargs for a row in a given organisation. API: the same
for API paths with parameters.
"""

from __future__ import annotations

from gonghui.testing import make_employer, make_user

SCOPED = {
    "orgs.Organisation": ("org.view", lambda cast, org: org),
    "orgs.Employer": ("employer.view", lambda cast, org: make_employer(f"{org.name}单位", org)),
    "accounts.RoleAssignment": (
        "staff.manage",
        lambda cast, org: make_user(f"u{org.pk}", "org_staff", org).role_assignments.get(),
    ),
}

URLS = {
    "orgs:org_detail": ("org.view", lambda cast, org: {"code": org.code}),
    "orgs:org_edit": ("org.manage", lambda cast, org: {"code": org.code}),
    "orgs:org_move": ("org.manage", lambda cast, org: {"code": org.code}),
    "orgs:employer_detail": (
        "employer.view",
        lambda cast, org: {"pk": make_employer(f"{org.name}单位", org).pk},
    ),
    "orgs:employer_edit": (
        "employer.manage",
        lambda cast, org: {"pk": make_employer(f"{org.name}单位", org).pk},
    ),
}

API = {
    "/api/v1/orgs/{code}": lambda cast, org: {"code": org.code},
}


def _employer_to_other_county(cast):  # type: ignore[no-untyped-def]
    from gonghui.orgs import services

    services.employer_update(actor=cast.xq_staff, employer=cast.xq_employer, union=cast.yz_union)


def _employer_state(cast):  # type: ignore[no-untyped-def]
    from gonghui.orgs.models import Employer

    return list(Employer.objects.filter(pk=cast.xq_employer.pk).values())


def _org_under_other_city(cast):  # type: ignore[no-untyped-def]
    from gonghui.orgs import services

    services.organisation_move(
        actor=cast.yc_staff, organisation=cast.xq_union, new_parent=cast.yuanzhou
    )


def _tree_state(cast):  # type: ignore[no-untyped-def]
    from gonghui.orgs.models import Organisation

    return list(Organisation.objects.order_by("pk").values_list("pk", "parent_id", "path"))


# A write that would put a record outside the actor's scope: (attempt, state before/after).
ESCAPES = [
    (_employer_to_other_county, _employer_state),
    (_org_under_other_city, _tree_state),
]
