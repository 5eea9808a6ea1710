"""Retain, leave and expel from the member's page: the upper union to keep a retained membership
at is chosen from the membership's own chain of unions, and every refusal shows on its field."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gonghui.members import selectors, services
from gonghui.members.tests.factories import make_member


def test_upper_unions_are_the_chain_up_to_the_region(cast) -> None:
    assert selectors.upper_unions(cast.xq_union) == [cast.xingqing, cast.yinchuan, cast.region]
    assert selectors.upper_unions(cast.region) == []


def test_retain_at_an_upper_union_outside_scope_is_a_field_error(cast) -> None:
    member = make_member(cast.xq_union)
    for keep_at, words in ((cast.yinchuan, "管辖范围"), (cast.yuanzhou, "上级")):
        with pytest.raises(ValidationError) as raised:
            services.membership_retain(
                actor=cast.xq_staff, membership=member, reason="retirement", keep_at=keep_at
            )
        assert list(raised.value.message_dict) == ["keep_at"]
        assert words in raised.value.message_dict["keep_at"][0]
    member.refresh_from_db()
    assert member.state == "active" and member.organisation == cast.xq_union


def test_detail_offers_the_chain_with_the_outside_unions_disabled(client, cast) -> None:
    member = make_member(cast.xq_union)
    client.force_login(cast.xq_staff)
    body = client.get(reverse("members:member_detail", args=[member.pk])).content.decode()
    assert f'<option value="{cast.xingqing.pk}">{cast.xingqing.name}</option>' in body
    assert f'<option value="{cast.yinchuan.pk}" disabled>' in body
    assert f'<option value="{cast.region.pk}" disabled>' in body
    assert f'value="{cast.yuanzhou.pk}"' not in body


def _change(client, member, **data):  # type: ignore[no-untyped-def]
    return client.post(reverse("members:member_change", args=[member.pk]), data)


def test_retain_at_a_chosen_upper_union(client, cast) -> None:
    member = make_member(cast.xq_union)
    client.force_login(cast.xq_staff)
    response = _change(
        client, member, action="retain", reason="unit_closed", keep_at=cast.xingqing.pk
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.state == "retained" and member.organisation == cast.xingqing


@pytest.mark.parametrize("choice", ["outside", "typo", "other_county"])
def test_a_bad_upper_union_is_a_field_error_not_a_404(client, cast, choice) -> None:
    member = make_member(cast.xq_union)
    keep_at = {
        "outside": cast.yinchuan.pk,
        "typo": "64010400001",
        "other_county": cast.yuanzhou.pk,
    }[choice]
    client.force_login(cast.xq_staff)
    response = _change(client, member, action="retain", reason="retirement", keep_at=keep_at)
    body = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="field-error-keep_at"' in body
    member.refresh_from_db()
    assert member.state == "active" and member.organisation == cast.xq_union


def test_expel_without_reason_shows_on_the_note(client, cast) -> None:
    member = make_member(cast.xq_union)
    client.force_login(cast.xq_staff)
    response = _change(client, member, action="expel", note="", confirm="on")
    assert response.status_code == 400
    assert 'data-testid="field-error-note"' in response.content.decode()
    member.refresh_from_db()
    assert member.state == "active"


def test_change_outside_scope_is_404(client, cast) -> None:
    member = make_member(cast.yz_union)
    client.force_login(cast.xq_staff)
    assert _change(client, member, action="leave", confirm="on").status_code == 404
