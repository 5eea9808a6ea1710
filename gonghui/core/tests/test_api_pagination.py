"""PagePagination: the page, the total, and the hook for a cheaper count query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.testing import TestClient

from gonghui.core.api import PagePagination, with_page_count
from gonghui.core.models import Division

pytestmark = pytest.mark.django_db


class DivisionOut(Schema):
    code: str


def _client() -> TestClient:
    router = Router()
    calls: list[str] = []

    @router.get("/plain", response=list[DivisionOut])
    @paginate(PagePagination)
    def plain(request):  # type: ignore[no-untyped-def]
        return Division.objects.order_by("code")

    @router.get("/hooked", response=list[DivisionOut])
    @paginate(PagePagination)
    def hooked(request):  # type: ignore[no-untyped-def]
        def count() -> int:
            calls.append("count")
            return 12345

        return with_page_count(Division.objects.order_by("code"), count)

    @router.get("/listed", response=list[DivisionOut])
    @paginate(PagePagination)
    def listed(request):  # type: ignore[no-untyped-def]
        return [Division(code="640000"), Division(code="640100")]

    client = TestClient(router)
    client.calls = calls  # type: ignore[attr-defined]
    return client


def test_without_the_hook_the_total_is_the_querysets_count() -> None:
    client = _client()
    total = Division.objects.count()
    assert total > 3
    body = client.get("/plain?page=2&page_size=2").json()
    assert body == {
        "items": [{"code": d.code} for d in Division.objects.order_by("code")[2:4]],
        "count": total,
    }
    assert client.get("/listed").json() == {
        "items": [{"code": "640000"}, {"code": "640100"}],
        "count": 2,
    }


def test_the_hook_supplies_the_total_once_and_the_page_is_unchanged() -> None:
    client = _client()
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/hooked?page=1&page_size=3").json()
    assert set(body) == {"items", "count"}
    assert body["count"] == 12345
    assert body["items"] == [{"code": d.code} for d in Division.objects.order_by("code")[:3]]
    assert client.calls == ["count"]  # type: ignore[attr-defined]
    # Only the page was read from the database: no COUNT(*) of the queryset.
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)


def test_page_limits_still_apply_with_the_hook() -> None:
    from django.core.exceptions import ValidationError

    client = _client()
    # A bare router has no error handlers: the ValidationError surfaces as it is raised.
    with pytest.raises(ValidationError) as raised:
        client.get("/hooked?page_size=501")
    assert "page_size" in raised.value.message_dict
    assert client.calls == []  # type: ignore[attr-defined]
