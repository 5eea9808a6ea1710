"""Staff correct a member's details (member_update) and reactivate a retained membership
(membership_reactivate): scoped, audited with the phone masked, on the timeline by field name."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gonghui.core.errors import Conflict, ScopeViolation
from gonghui.core.models import ChangeRecord
from gonghui.core.pii import blind_index
from gonghui.members import services
from gonghui.members.models import Membership, MembershipEvent, Person
from gonghui.members.tests.factories import make_member
from gonghui.testing import make_employer


def test_update_changes_the_details_and_audits_them_masked(cast) -> None:
    member = make_member(cast.xq_union, phone="13911112222", employer=cast.xq_employer)
    services.member_update(
        actor=cast.xq_staff,
        membership=member,
        phone="139-1111-3333",
        occupation="courier",
        education="bachelor",
        employment_type="platform",
    )
    member.refresh_from_db()
    person = Person.objects.get(pk=member.person_id)
    assert person.phone == "13911113333" and person.education == "bachelor"
    assert person.phone_hash == blind_index("phone", "13911113333")
    assert (member.occupation, member.employment_type) == ("courier", "platform")
    assert member.employer == cast.xq_employer  # not named: kept
    event = MembershipEvent.objects.get(membership=member, kind="updated")
    assert event.data == {"fields": ["phone", "occupation", "education", "employment_type"]}
    record = ChangeRecord.objects.get(verb="member_update")
    assert record.before["phone"] == "139****2222" and record.after["phone"] == "139****3333"
    assert record.after["education"] == "bachelor"
    assert "13911113333" not in str(record.after) + str(event.data)
    assert record.organisation_path == cast.xq_union.path


def test_a_new_phone_with_the_same_masked_form_still_counts(cast) -> None:
    member = make_member(cast.xq_union, phone="13911112222")
    services.member_update(actor=cast.xq_staff, membership=member, phone="13900002222")
    assert MembershipEvent.objects.get(kind="updated").data == {"fields": ["phone"]}


def test_update_refusals(cast) -> None:
    member = make_member(cast.xq_union, phone="13911112222", employer=cast.xq_employer)
    with pytest.raises(ValidationError) as raised:
        services.member_update(actor=cast.xq_staff, membership=member, phone="13911112222")
    assert raised.value.messages == ["没有任何修改。"]
    with pytest.raises(ValidationError) as raised:
        services.member_update(
            actor=cast.xq_staff, membership=member, phone="12345", occupation="pilot"
        )
    assert set(raised.value.message_dict) == {"phone", "occupation"}
    with pytest.raises(ValidationError) as raised:
        services.member_update(actor=cast.xq_staff, membership=member, employer=cast.yz_employer)
    assert "接转" in raised.value.message_dict["employer"][0]
    with pytest.raises(ScopeViolation):
        services.member_update(actor=cast.yz_staff, membership=member, occupation="courier")
    left = make_member(cast.xq_union, state="left")
    with pytest.raises(Conflict):
        services.member_update(actor=cast.xq_staff, membership=left, occupation="courier")
    assert not MembershipEvent.objects.filter(kind="updated").exists()
    assert not ChangeRecord.objects.filter(verb="member_update").exists()


def test_update_sets_and_clears_an_employer_of_its_union(cast) -> None:
    second = make_employer("兴庆第二家公司", cast.xq_union, union=cast.xq_union)
    member = make_member(cast.xq_union, employer=cast.xq_employer)
    services.member_update(actor=cast.xq_staff, membership=member, employer=second)
    assert Membership.objects.get(pk=member.pk).employer == second
    services.member_update(actor=cast.xq_staff, membership=member, employer=None)
    assert Membership.objects.get(pk=member.pk).employer is None


def test_reactivate_a_retained_member_where_it_is(cast) -> None:
    member = make_member(cast.xq_union, state="retained", employer=cast.xq_employer)
    Membership.objects.filter(pk=member.pk).update(retained_reason="unemployment")
    row = services.membership_reactivate(actor=cast.xq_staff, membership=member, note="重新就业")
    assert row.state == "active" and row.organisation == cast.xq_union
    assert row.retained_reason == "" and row.employer == cast.xq_employer
    event = MembershipEvent.objects.get(membership=member, kind="reactivated")
    assert event.note == "重新就业" and "to" not in event.data
    record = ChangeRecord.objects.get(verb="membership_reactivate")
    assert record.before["state"] == "retained" and record.after["state"] == "active"
    with pytest.raises(Conflict):
        services.membership_reactivate(actor=cast.xq_staff, membership=member)


def test_reactivate_with_a_new_employer_at_its_union(cast) -> None:
    # Kept at the county federation while out of work, re-hired by a company of its own union.
    member = make_member(cast.xingqing, state="retained")
    row = services.membership_reactivate(
        actor=cast.xq_staff, membership=member, employer=cast.xq_employer
    )
    assert row.organisation == cast.xq_union and row.employer == cast.xq_employer
    event = MembershipEvent.objects.get(kind="reactivated")
    assert event.data == {"from": cast.xingqing.name, "to": cast.xq_union.name}


def test_reactivate_only_at_a_union_the_actor_manages(cast) -> None:
    member = make_member(cast.xq_union, state="retained")
    for target in ({"organisation": cast.yuanzhou}, {"employer": cast.yz_employer}):
        with pytest.raises(ValidationError) as raised:
            services.membership_reactivate(actor=cast.xq_staff, membership=member, **target)
        assert list(raised.value.message_dict) == list(target)
    with pytest.raises(ScopeViolation):
        services.membership_reactivate(actor=cast.yz_staff, membership=member)
    member.refresh_from_db()
    assert member.state == "retained" and member.organisation == cast.xq_union


# --- the console ---------------------------------------------------------------------------------
def test_edit_form_on_the_detail_page(client, cast) -> None:
    member = make_member(cast.xq_union, phone="13911112222", employer=cast.xq_employer)
    client.force_login(cast.xq_staff)
    detail = reverse("members:member_detail", args=[member.pk])
    body = client.get(detail).content.decode()
    assert 'data-testid="edit-form"' in body and "13911112222" not in body
    assert 'placeholder="139****2222"' in body and cast.xq_employer.credit_code in body
    assert 'data-testid="reactivate-form"' not in body
    url = reverse("members:member_update", args=[member.pk])
    unchanged = {
        "edit-phone": "",
        "edit-employer": cast.xq_employer.credit_code,
        "edit-occupation": member.occupation,
        "edit-employment_type": "",
        "edit-education": "",
    }
    response = client.post(url, unchanged | {"edit-phone": "13911113333"})
    assert response.status_code == 302
    timeline = client.get(detail).content.decode()
    assert "信息变更" in timeline and "手机号" in timeline and "13911113333" not in timeline
    refused = client.post(url, unchanged | {"edit-employer": cast.yz_employer.name})
    assert refused.status_code == 400
    assert "您的辖区内没有" in refused.content.decode()  # 原州's employer: not even visible
    unknown = client.post(url, unchanged)
    assert unknown.status_code == 400 and "没有任何修改" in unknown.content.decode()
    client.force_login(cast.yz_staff)
    assert client.post(url, unchanged | {"edit-phone": "13900000000"}).status_code == 404


def test_reactivate_from_the_detail_page(client, cast) -> None:
    member = make_member(cast.xingqing, state="retained")
    client.force_login(cast.xq_staff)
    detail = client.get(reverse("members:member_detail", args=[member.pk])).content.decode()
    assert 'data-testid="reactivate-form"' in detail
    url = reverse("members:member_reactivate", args=[member.pk])
    refused = client.post(url, {"reactivate-organisation": cast.yz_union.code})
    assert refused.status_code == 400 and "您的辖区内没有该编码的工会" in refused.content.decode()
    response = client.post(url, {"reactivate-employer": cast.xq_employer.credit_code})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.state == "active" and member.organisation == cast.xq_union
