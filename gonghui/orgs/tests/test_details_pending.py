"""Employers registered in passing are 待完善 (details pending) until staff save them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gonghui.core.errors import ScopeViolation
from gonghui.core.models import ChangeRecord
from gonghui.orgs import selectors, services
from gonghui.orgs.models import Employer
from gonghui.testing import make_employer


def _pending(cast, name: str = "兴庆新开便利店") -> Employer:  # type: ignore[no-untyped-def]
    employer = make_employer(name, cast.xingqing, details_pending=True)
    Employer.objects.filter(pk=employer.pk).update(industry="O")
    employer.refresh_from_db()
    return employer


def test_the_register_lists_pending_employers_with_a_badge_and_filters_them(client, cast) -> None:  # type: ignore[no-untyped-def]
    pending = _pending(cast)
    client.force_login(cast.xq_staff)
    page = client.get(reverse("orgs:employer_list")).content.decode()
    assert pending.name in page and cast.xq_employer.name in page
    assert page.count(">待完善</span>") == 1
    only = client.get(reverse("orgs:employer_list"), {"pending": "1"}).content.decode()
    assert pending.name in only and cast.xq_employer.name not in only
    listed = selectors.employer_list(actor=cast.xq_staff, pending_only=True)
    assert list(listed) == [pending]


def test_pending_filter_stays_in_scope(cast) -> None:  # type: ignore[no-untyped-def]
    _pending(cast)
    assert not selectors.employer_list(actor=cast.yz_staff, pending_only=True).exists()


def test_update_clears_the_flag_and_audits_it(cast) -> None:  # type: ignore[no-untyped-def]
    pending = _pending(cast)
    row = services.employer_update(
        actor=cast.xq_staff, employer=pending, industry="H", size="micro", ownership="private"
    )
    assert row.details_pending is False
    pending.refresh_from_db()
    assert not pending.details_pending and pending.industry == "H"
    record = ChangeRecord.objects.get(verb="employer_update", object_id=str(pending.pk))
    assert record.before["details_pending"] is True and record.after["details_pending"] is False


def test_update_outside_scope_keeps_the_flag(cast) -> None:  # type: ignore[no-untyped-def]
    pending = _pending(cast)
    with pytest.raises(ScopeViolation):
        services.employer_update(actor=cast.yz_staff, employer=pending, industry="H")
    pending.refresh_from_db()
    assert pending.details_pending and pending.industry == "O"


def test_saving_the_edit_form_unchanged_confirms_the_details(client, cast) -> None:  # type: ignore[no-untyped-def]
    pending = _pending(cast)
    client.force_login(cast.xq_staff)
    url = reverse("orgs:employer_edit", args=[pending.pk])
    assert "“待完善”" in client.get(url).content.decode()
    data = {
        "name": pending.name,
        "credit_code": pending.credit_code,
        "division": pending.division_id,
        "address": "",
        "industry": pending.industry,
        "size": pending.size,
        "ownership": pending.ownership,
        "employee_count": 0,
        "platform_kind": "",
        "union": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    pending.refresh_from_db()
    assert not pending.details_pending and pending.industry == "O"
