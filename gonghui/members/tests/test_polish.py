"""Small things of the registry pages: the total on every list, the export's file name, a
confirmation before a membership ends, state badges coloured by state."""

from __future__ import annotations

import re
from urllib.parse import unquote

from django.urls import reverse

from gonghui.members.tests.factories import make_member


def test_every_list_shows_its_total_even_on_one_page(client, cast) -> None:
    make_member(cast.xq_union, name="张宏伟")
    make_member(cast.xq_union, name="李明")
    client.force_login(cast.xq_staff)
    for name in ("members:member_list", "members:application_queue", "members:transfer_list"):
        body = client.get(reverse(name)).content.decode()
        assert 'data-testid="list-total"' in body
    body = client.get(reverse("members:member_list")).content.decode()
    assert "共 2 条" in body


def test_export_file_is_named_in_chinese_with_an_ascii_fallback(client, cast) -> None:
    make_member(cast.xq_union)
    client.force_login(cast.xq_staff)
    header = client.get(reverse("members:member_export"))["Content-Disposition"]
    assert re.fullmatch(
        r"attachment; filename=\"members-\d{8}-\d{4}\.xlsx\"; filename\*=UTF-8''\S+", header
    )
    encoded = header.split("filename*=UTF-8''")[1]
    assert re.fullmatch(r"会员名册-\d{8}-\d{4}\.xlsx", unquote(encoded))


def test_leaving_and_expelling_need_the_confirmation(client, cast) -> None:
    member = make_member(cast.xq_union)
    client.force_login(cast.xq_staff)
    url = reverse("members:member_change", args=[member.pk])
    for action in ("leave", "expel"):
        response = client.post(url, {"action": action, "note": "本人申请"})
        assert response.status_code == 400
        assert 'data-testid="field-error-confirm"' in response.content.decode()
        member.refresh_from_db()
        assert member.state == "active"
    assert (
        client.post(url, {"action": "leave", "note": "本人申请", "confirm": "on"}).status_code
        == 302
    )
    member.refresh_from_db()
    assert member.state == "left"


def test_state_badges_are_coloured_by_state(client, cast) -> None:
    active = make_member(cast.xq_union, name="张宏伟")
    expelled = make_member(cast.xq_union, name="李明", state="expelled")
    client.force_login(cast.xq_staff)
    body = client.get(reverse("members:member_list")).content.decode()
    assert '<span class="badge text-bg-success">有效</span>' in body
    assert '<span class="badge text-bg-danger">' in body
    detail = client.get(reverse("members:member_detail", args=[expelled.pk])).content.decode()
    assert 'text-bg-danger" data-testid="member-state"' in detail
    detail = client.get(reverse("members:member_detail", args=[active.pk])).content.decode()
    assert 'text-bg-success" data-testid="member-state"' in detail
