"""Login, throttling, staff accounts inside the subtree, role escalation, reveal audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.accounts import services
from gonghui.accounts.models import RoleAssignment, User
from gonghui.core.errors import ScopeViolation
from gonghui.core.models import ChangeRecord
from gonghui.testing import PASSWORD

STRONG = "Xq-staff-2026!"


def test_login_page_is_chinese_and_has_csp(client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "工作人员登录" in response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy


def test_login_and_logout(client, cast) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/accounts/login/", {"username": "xq_staff", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_login_throttled_after_repeated_failures(client, cast) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        client.post("/accounts/login/", {"username": "xq_staff", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "xq_staff", "password": PASSWORD})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_federation_staff_creates_account_in_own_subtree(cast) -> None:  # type: ignore[no-untyped-def]
    user = services.staff_create(
        actor=cast.yc_staff,
        username="jf_clerk",
        full_name="金凤区干事",
        password=STRONG,
        role="org_staff",
        organisation=cast.jinfeng,
    )
    assert RoleAssignment.objects.filter(user=user, organisation=cast.jinfeng).exists()
    assert ChangeRecord.objects.filter(verb="staff_create", actor=cast.yc_staff).exists()


def test_cannot_create_account_outside_subtree(cast) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ScopeViolation):
        services.staff_create(
            actor=cast.yc_staff,
            username="yz_clerk",
            full_name="原州干事",
            password=STRONG,
            role="org_staff",
            organisation=cast.yuanzhou,
        )
    assert not User.objects.filter(username="yz_clerk").exists()


def test_cannot_grant_more_than_one_holds(cast) -> None:  # type: ignore[no-untyped-def]
    # xq_staff (org_staff) lacks staff.manage altogether.
    with pytest.raises(ScopeViolation):
        services.role_assign(
            actor=cast.xq_staff, user=cast.nobody, role="org_staff", organisation=cast.xingqing
        )


def test_weak_password_is_refused_in_chinese(cast) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as error:
        services.staff_create(
            actor=cast.yc_staff,
            username="weak",
            full_name="弱密码",
            password="abcdefghij",
            role="org_staff",
            organisation=cast.jinfeng,
        )
    assert any("至少三类" in m for m in error.value.message_dict["password"])


def test_staff_pages_scope(client, cast) -> None:  # type: ignore[no-untyped-def]
    client.force_login(cast.yc_staff)
    listed = {u.username for u in client.get("/console/staff/").context["page_obj"]}
    assert "xq_staff" in listed and "yz_staff" not in listed
    assert client.get(f"/console/staff/{cast.yz_staff.pk}/").status_code == 404
    client.force_login(cast.xq_staff)
    assert client.get("/console/staff/").status_code == 404


def test_reveal_requires_capability_and_is_audited(cast) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        services.pii_reveal(
            actor=cast.xq_staff,
            obj=cast.xq_union,
            field="contact_phone",
            organisation_path=cast.xq_union.path,
        )
    value = services.pii_reveal(
        actor=cast.yc_staff, obj=cast.xq_union, field="name", organisation_path=cast.xq_union.path
    )
    assert value == cast.xq_union.name
    record = ChangeRecord.objects.get(action="reveal")
    assert record.actor == cast.yc_staff and record.after == {"field": "name"}


def test_audit_page_is_scoped(client, cast) -> None:  # type: ignore[no-untyped-def]
    from gonghui.orgs import services as org_services

    org_services.organisation_update(
        actor=cast.nx_admin, organisation=cast.xq_union, chair_name="甲"
    )
    org_services.organisation_update(
        actor=cast.nx_admin, organisation=cast.yz_union, chair_name="乙"
    )
    client.force_login(cast.auditor)
    assert len(client.get("/console/audit/").context["page_obj"]) == 2
    client.force_login(cast.yc_staff)  # federation_admin holds audit.view over 银川 only
    records = list(client.get("/console/audit/").context["page_obj"])
    assert [r.object_repr for r in records] == [cast.xq_union.name]
    client.force_login(cast.xq_staff)
    assert client.get("/console/audit/").status_code == 404


def test_api_token_page_creates_once_and_revokes(client, cast) -> None:  # type: ignore[no-untyped-def]
    client.force_login(cast.yz_staff)
    response = client.post("/console/tokens/", {"name": "人社系统对接"})
    token = response.context["new_token"]
    assert token.startswith("gh_") and token in response.content.decode()
    assert client.get("/api/v1/orgs/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    row = cast.yz_staff.api_tokens.get()
    assert token not in client.get("/console/tokens/").content.decode()  # shown once
    client.force_login(cast.xq_staff)
    assert client.post(f"/console/tokens/{row.pk}/revoke/").status_code == 404
    client.force_login(cast.yz_staff)
    client.post(f"/console/tokens/{row.pk}/revoke/")
    client.logout()
    assert client.get("/api/v1/orgs/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_chinese_by_default_english_by_choice(client, db) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "工作人员登录" in page
    client.cookies["django_language"] = "en"
    page = client.get("/accounts/login/").content.decode()
    assert "工作人员登录" not in page and 'lang="en"' in page


def test_token_use_recorded_at_most_once_a_minute(client, cast) -> None:  # type: ignore[no-untyped-def]
    import datetime

    import time_machine

    _row, token = services.api_token_create(actor=cast.yz_staff, user=cast.yz_staff, name="对接")
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        client.get("/api/v1/orgs/", HTTP_AUTHORIZATION=f"Bearer {token}")
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        client.get("/api/v1/orgs/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert cast.yz_staff.api_tokens.get().last_used_at == start
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        client.get("/api/v1/orgs/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert cast.yz_staff.api_tokens.get().last_used_at == start + datetime.timedelta(seconds=61)


def test_h5_home_calls_the_hotline(client, db) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/m/").content.decode()
    assert 'href="tel:12351"' in page and "职工维权服务热线 12351" in page


def test_token_lookup_brings_the_roles_and_refuses_dead_tokens(
    cast, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    import datetime

    from django.utils import timezone

    from gonghui.accounts.scoping import actor_can
    from gonghui.accounts.selectors import user_for_token
    from gonghui.core.api import hash_token
    from gonghui.orgs.models import Organisation

    row, token = services.api_token_create(actor=cast.superuser, user=cast.xq_staff, name="对接")
    now = timezone.now()
    key = hash_token(token)
    with django_assert_num_queries(1):  # the roles come with the user: no second query
        holder = user_for_token(key_hash=key, now=now, stale_before=now)
        assert holder is not None and holder.token_id == row.pk
        user = holder.user
        assert user == cast.xq_staff
        assert actor_can(user, "member.view", cast.xingqing.path)
        assert not actor_can(user, "member.view", cast.jinfeng.path)
    # An assignment in a dissolved organisation grants nothing, as everywhere else.
    Organisation.objects.filter(pk=cast.xingqing.pk).update(status="dissolved")
    holder = user_for_token(key_hash=key, now=now, stale_before=now)
    assert holder is not None and not actor_can(holder.user, "member.view", cast.xingqing.path)
    Organisation.objects.filter(pk=cast.xingqing.pk).update(status="active")
    later = now + datetime.timedelta(days=1)
    row.__class__.objects.filter(pk=row.pk).update(expires_at=now)
    assert user_for_token(key_hash=key, now=later, stale_before=later) is None
    row.__class__.objects.filter(pk=row.pk).update(expires_at=None, revoked_at=now)
    assert user_for_token(key_hash=key, now=now, stale_before=now) is None
    assert user_for_token(key_hash=hash_token("wrong"), now=now, stale_before=now) is None
