"""Demo accounts, all with the one demo password shown in the README."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from gonghui.accounts.models import RoleAssignment, User
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Organisation

DEMO_PASSWORD = "Gonghui@2026"

# username, full name, role, organisation (kind, division code); None = no role
DEMO_ACCOUNTS: list[tuple[str, str, str | None, tuple[str, str] | None]] = [
    ("nx_admin", "马建国", "federation_admin", (OrgKind.REGION_FEDERATION, "640000")),
    ("yc_staff", "李海燕", "federation_admin", (OrgKind.CITY_FEDERATION, "640100")),
    ("xq_staff", "张宏伟", "federation_admin", (OrgKind.COUNTY_FEDERATION, "640104")),
    ("yz_staff", "杨志强", "federation_admin", (OrgKind.COUNTY_FEDERATION, "640402")),
    ("hotline", "丁秀英", "hotline_operator", (OrgKind.REGION_FEDERATION, "640000")),
    ("nx_leader", "周文军", "leader", (OrgKind.REGION_FEDERATION, "640000")),
    ("nx_auditor", "黄丽娟", "auditor", (OrgKind.REGION_FEDERATION, "640000")),
    ("worker1", "王晓东", None, None),
]


@transaction.atomic
def seed(world: Any) -> str:
    # One hash for every demo account: hashing is deliberately slow, and these share a password.
    password = make_password(DEMO_PASSWORD)
    admin = User.objects.create(
        username="admin",
        full_name="平台管理员",
        is_staff=True,
        is_superuser=True,
        password=password,
    )
    for username, full_name, role, where in DEMO_ACCOUNTS:
        user = User.objects.create(username=username, full_name=full_name, password=password)
        if role and where:
            organisation = Organisation.objects.get(kind=where[0], division_id=where[1])
            RoleAssignment.objects.create(
                user=user, role=role, organisation=organisation, created_by=admin
            )
    return f"{len(DEMO_ACCOUNTS) + 1} accounts (password {DEMO_PASSWORD})"
