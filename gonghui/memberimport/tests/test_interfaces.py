"""The command line, the JSON API and the console pages of mass enrolment."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonghui.memberimport.models import ImportBatch, ImportStatus
from gonghui.memberimport.tests.factories import csv_bytes, member_row, xlsx_bytes
from gonghui.members.models import Membership

pytestmark = pytest.mark.django_db
API = "/api/v1/members/imports/"


def _call(cast, path, *extra):
    """The command exits 0 by returning and 1 through SystemExit."""
    try:
        call_command(
            "members_import",
            str(path),
            "--org",
            cast.xq_union.code,
            "--actor",
            "xq_staff",
            *extra,
            stdout=io.StringIO(),
        )
    except SystemExit as exited:
        return exited.code
    return 0


def test_cli_clean_file_exits_0_and_reports(cast, tmp_path):
    source = tmp_path / "members.xlsx"
    source.write_bytes(xlsx_bytes([member_row(1), member_row(2)]))
    report = tmp_path / "report.json"
    assert _call(cast, source, "--report", str(report)) == 0
    assert json.loads(report.read_text(encoding="utf-8")) == {
        "total_rows": 2,
        "imported": 2,
        "errors": [],
    }
    assert Membership.objects.count() == 2


def test_cli_errors_exit_1_strict_imports_nothing(cast, tmp_path):
    source = tmp_path / "members.csv"
    source.write_bytes(csv_bytes([member_row(1), member_row(2, **{"手机号": "12"})]))
    report = tmp_path / "report.json"
    assert _call(cast, source, "--report", str(report)) == 1
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["total_rows"] == 2 and data["imported"] == 0
    assert data["errors"] == [
        {
            "row": 3,
            "column": "手机号",
            "code": "phone_format",
            "message": data["errors"][0]["message"],
        }
    ]
    assert "手机号" in data["errors"][0]["message"]
    assert not Membership.objects.exists()


def test_cli_valid_only_and_dry_run(cast, tmp_path):
    source = tmp_path / "members.xlsx"
    source.write_bytes(xlsx_bytes([member_row(1), member_row(2, **{"手机号": "12"})]))
    report = tmp_path / "r.json"
    assert _call(cast, source, "--dry-run", "--report", str(report)) == 1
    assert json.loads(report.read_text())["imported"] == 0
    assert not ImportBatch.objects.exists() and not Membership.objects.exists()
    assert _call(cast, source, "--valid-only", "--report", str(report)) == 1
    assert json.loads(report.read_text())["imported"] == 1
    assert Membership.objects.count() == 1


def test_cli_refuses_other_county_and_broken_file(cast, tmp_path):
    source = tmp_path / "members.xlsx"
    source.write_bytes(xlsx_bytes([member_row(1)]))
    with pytest.raises(CommandError, match="管辖范围"):
        call_command(
            "members_import", str(source), "--org", cast.yz_union.code, "--actor", "xq_staff"
        )
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    with pytest.raises(CommandError, match="无法读取"):
        call_command(
            "members_import", str(broken), "--org", cast.xq_union.code, "--actor", "xq_staff"
        )
    assert not Membership.objects.exists()


def _upload(client, cast, rows, *, org=None, name="m.xlsx"):
    data = xlsx_bytes(rows) if name.endswith("xlsx") else csv_bytes(rows)
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(API, {"file": upload, "organisation": (org or cast.xq_union).code})


def test_api_upload_preview_apply_status_report_undo(client, cast):
    client.force_login(cast.xq_staff)
    response = _upload(client, cast, [member_row(1), member_row(2, **{"性别": "男"})])
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "previewed" and body["total_rows"] == 2
    assert body["errors"] == [
        {
            "row": 3,
            "column": "性别",
            "code": "gender_mismatch",
            "message": "性别与身份证号不符（身份证号显示为女）。",
        }
    ]
    batch_id = body["id"]
    report = client.get(f"{API}{batch_id}/report")
    assert report.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(report.content)).get_sheet_by_index(0)
    rows = sheet.to_python()
    assert rows[0][-1] == "问题" and len(rows) == 2 and "性别" in rows[1][-1]
    strict = client.post(f"{API}{batch_id}/apply", {}, content_type="application/json")
    assert strict.status_code == 200 and strict.json()["status"] == "failed"
    assert not Membership.objects.exists()
    # A failed strict run can be uploaded again; valid-only imports the good row.
    again = _upload(client, cast, [member_row(1), member_row(2, **{"性别": "男"})]).json()
    applied = client.post(
        f"{API}{again['id']}/apply", {"mode": "valid_only"}, content_type="application/json"
    )
    assert applied.json()["status"] == "applied" and applied.json()["imported_rows"] == 1
    status = client.get(f"{API}{again['id']}").json()
    assert status["progress"] == 100 and status["error_count"] == 1
    listing = client.get(API).json()
    assert listing["count"] == 2
    undone = client.post(f"{API}{again['id']}/undo")
    assert undone.status_code == 200 and undone.json()["status"] == "undone"
    assert not Membership.objects.exists()
    twice = client.post(f"{API}{again['id']}/undo")
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "not_applied"


def test_api_scope_other_countys_batch_is_404_and_union_refused(client, cast):
    client.force_login(cast.yz_staff)
    theirs = _upload(client, cast, [member_row(1)], org=cast.yz_union).json()["id"]
    client.force_login(cast.xq_staff)
    assert client.get(f"{API}{theirs}").status_code == 404
    apply = client.post(f"{API}{theirs}/apply", {}, content_type="application/json")
    assert apply.status_code == 404
    refused = _upload(client, cast, [member_row(1)], org=cast.yz_union)
    assert refused.status_code == 404
    client.force_login(cast.hotline)  # no member.import
    assert _upload(client, cast, [member_row(1)]).status_code == 404
    assert client.get(API).json()["count"] == 0


def test_api_broken_file_is_400_with_chinese_message(client, cast):
    client.force_login(cast.xq_staff)
    upload = io.BytesIO(b"garbage")
    upload.name = "m.xlsx"
    response = client.post(API, {"file": upload, "organisation": cast.xq_union.code})
    assert response.status_code == 400
    assert "无法读取" in response.json()["error"]["message"]


def test_console_upload_preview_apply_and_undo(client, cast):
    client.force_login(cast.xq_staff)
    page = client.get(reverse("memberimport:batch_list"))
    assert page.status_code == 200 and "集中入会" in page.content.decode()
    upload = io.BytesIO(xlsx_bytes([member_row(1), member_row(2, **{"入会日期": "明天"})]))
    upload.name = "members.xlsx"
    response = client.post(
        reverse("memberimport:batch_list"),
        {"organisation": cast.xq_union.code, "file": upload},
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{batch.pk}/")
    detail = client.get(response["Location"]).content.decode()
    assert "日期格式不正确" in detail and "入会日期" in detail and "下载问题报告" in detail
    response = client.post(
        reverse("memberimport:batch_apply", args=[batch.pk]), {"mode": "valid_only"}
    )
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED and batch.imported_rows == 1
    assert "撤销" in client.get(response["Location"]).content.decode()
    client.post(reverse("memberimport:batch_undo", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.UNDONE and not Membership.objects.exists()


def test_console_template_and_progress(client, cast):
    client.force_login(cast.xq_staff)
    template = client.get(reverse("memberimport:template"))
    assert template.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(template.content)).get_sheet_by_index(0)
    header = rows.to_python()[0]
    assert header[:3] == ["姓名*", "身份证号*", "手机号*"]
    upload = io.BytesIO(xlsx_bytes([member_row(1)]))
    upload.name = "m.xlsx"
    client.post(
        reverse("memberimport:batch_list"), {"organisation": cast.xq_union.code, "file": upload}
    )
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.RUNNING, progress=40)
    partial = client.get(reverse("memberimport:batch_progress", args=[batch.pk]))
    assert 'value="40"' in partial.content.decode() and "every 1s" in partial.content.decode()
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.APPLIED)
    done = client.get(
        reverse("memberimport:batch_progress", args=[batch.pk]), headers={"HX-Request": "true"}
    )
    assert done["HX-Refresh"] == "true"


def test_console_pages_hidden_without_capability(client, cast):
    client.force_login(cast.hotline)
    assert client.get(reverse("memberimport:batch_list")).status_code == 404


def test_console_upload_refuses_a_union_outside_the_area_and_suggests_own(client, cast):
    client.force_login(cast.xq_staff)
    page = client.get(reverse("memberimport:batch_list")).content.decode()
    assert f'value="{cast.xingqing.code}"' in page and cast.yz_union.code not in page
    upload = io.BytesIO(xlsx_bytes([member_row(1)]))
    upload.name = "m.xlsx"
    response = client.post(
        reverse("memberimport:batch_list"), {"organisation": cast.yz_union.code, "file": upload}
    )
    assert response.status_code == 200
    assert "您的管辖范围内没有这个编码的工会" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_kept_files_are_purged_after_the_window_and_the_report_says_so(client, cast):
    import datetime

    import time_machine
    from django.utils import timezone

    client.force_login(cast.xq_staff)
    with time_machine.travel(timezone.now() - datetime.timedelta(days=8)):
        old = _upload(client, cast, [member_row(1, **{"手机号": "1"})]).json()["id"]
    new = _upload(client, cast, [member_row(2, **{"手机号": "1"})]).json()["id"]
    out = io.StringIO()
    call_command("members_import_purge", stdout=out)
    assert out.getvalue().startswith("1 ")
    call_command("members_import_purge", stdout=out)  # idempotent
    assert client.get(f"{API}{new}/report").status_code == 200
    purged = client.get(f"{API}{old}/report")
    assert purged.status_code == 409 and "天后删除" in purged.json()["error"]["message"]
    assert ImportBatch.objects.get(pk=old).error_rows == 1  # counts and errors stay
