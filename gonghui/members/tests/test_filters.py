"""The registry's filters: a bad field is shown on that field and left out, the others (above
all the search) still apply; the export refuses to run while a filter has an error."""

from __future__ import annotations

from django.urls import reverse

from gonghui.core.models import ChangeRecord
from gonghui.members.tests.factories import make_member


def _listing(client, **query) -> str:  # type: ignore[no-untyped-def]
    response = client.get(reverse("members:member_list"), query)
    assert response.status_code == 200
    return response.content.decode()


def test_a_bad_year_keeps_the_search_and_marks_the_year(client, cast) -> None:
    make_member(cast.xq_union, name="张宏伟")
    make_member(cast.xq_union, name="李明")
    client.force_login(cast.xq_staff)
    body = _listing(client, q="zhw", join_year="2020年")
    assert "张宏伟" in body and "李明" not in body
    assert 'data-testid="field-error-join_year"' in body and "1949" in body
    assert 'name="join_year"' in body and 'type="number"' in body


def test_a_year_out_of_range_is_a_field_error_and_the_state_still_applies(client, cast) -> None:
    make_member(cast.xq_union, name="张宏伟")
    make_member(cast.xq_union, name="张宏亮", state="left")
    client.force_login(cast.xq_staff)
    body = _listing(client, state="left", join_year="1900")
    assert "张宏亮" in body and "张宏伟" not in body
    assert 'data-testid="field-error-join_year"' in body


def test_an_unknown_state_is_a_field_error_and_the_search_applies(client, cast) -> None:
    make_member(cast.xq_union, name="张宏伟")
    make_member(cast.xq_union, name="李明")
    client.force_login(cast.xq_staff)
    body = _listing(client, q="李", state="sleeping")
    assert "李明" in body and "张宏伟" not in body
    assert 'data-testid="field-error-state"' in body


def test_an_unknown_or_outside_organisation_is_a_field_error_not_a_404(client, cast) -> None:
    make_member(cast.xq_union, name="张宏伟")
    make_member(cast.xq_union, name="李明")
    client.force_login(cast.xq_staff)
    for code in ("NOPE", cast.yz_union.code, cast.yinchuan.code):
        body = _listing(client, q="zhw", organisation=code)
        assert "张宏伟" in body and "李明" not in body
        assert 'data-testid="field-error-organisation"' in body
        assert "您的辖区内没有该编码的工会" in body
    body = _listing(client, organisation=cast.xq_union.code)
    assert "张宏伟" in body and "field-error" not in body


def test_api_answers_an_unknown_organisation_with_a_field_error(client, cast) -> None:
    client.force_login(cast.xq_staff)
    response = client.get("/api/v1/members/", {"organisation": cast.yz_union.code})
    error = response.json()["error"]
    assert response.status_code == 400 and "organisation" in error["fields"]
    assert "工会" in error["message"]


def test_export_is_refused_while_a_filter_has_an_error(client, cast) -> None:
    make_member(cast.xq_union, name="张宏伟")
    make_member(cast.xq_union, name="李明")
    client.force_login(cast.xq_staff)
    url = reverse("members:member_export")
    response = client.get(url, {"q": "zhw", "join_year": "1900"})
    assert response.status_code == 302 and "Content-Disposition" not in response
    assert response["Location"].startswith(reverse("members:member_list"))
    assert "q=zhw" in response["Location"]
    assert not ChangeRecord.objects.filter(action="export").exists()
    page = client.get(response["Location"]).content.decode()
    assert "未导出" in page and 'data-testid="field-error-join_year"' in page
    assert 'aria-disabled="true"' in page  # the export button is off while the error stands
    for bad in ({"organisation": "NOPE"}, {"state": "sleeping"}):
        assert client.get(url, {"q": "zhw", **bad}).status_code == 302
    assert not ChangeRecord.objects.filter(action="export").exists()


def test_export_applies_the_search(client, cast) -> None:
    import io

    import openpyxl

    make_member(cast.xq_union, name="张宏伟")
    make_member(cast.xq_union, name="李明")
    client.force_login(cast.xq_staff)
    response = client.get(reverse("members:member_export"), {"q": "zhw", "join_year": "2020"})
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )
    assert [row[1] for row in rows[1:]] == ["张宏伟"]
