"""Staff import a messy member file in the console, see every problem with its row, import the
valid rows, download the error report, then undo the batch; a large file runs in the background
behind a progress bar."""

from __future__ import annotations

from typing import Any

from gonghui.memberimport.models import ImportBatch
from gonghui.memberimport.tests.factories import member_row, xlsx_bytes
from gonghui.members.models import Membership
from gonghui.testing import PASSWORD
from tests.e2e.conftest import login


def _upload(page: Any, cast: Any, source: Any) -> None:
    """Log in as 兴庆区's staff and upload ``source`` for its union: the page of the checked file."""
    login(page, "xq_staff", PASSWORD)
    page.goto(page.base_url + "/console/member-imports/")
    page.fill("input[name=organisation]", cast.xq_union.code)
    page.set_input_files("input[name=file]", str(source))
    page.get_by_role("button", name="上传并校验").click()
    page.wait_for_load_state()


def test_upload_preview_import_valid_rows_and_undo(page: Any, cast: Any, tmp_path: Any) -> None:
    source = tmp_path / "会员名单.xlsx"
    source.write_bytes(
        xlsx_bytes(
            [
                member_row(1),
                member_row(2, **{"手机号": "1390000"}),
                member_row(3, **{"入会日期": "2026年13月1日"}),
                member_row(5),
            ]
        )
    )
    _upload(page, cast, source)

    errors = page.locator("#import-errors tbody tr")
    assert errors.count() == 2
    assert errors.nth(0).inner_text().startswith("3\t手机号")
    assert "手机号应为11位" in errors.nth(0).inner_text()
    assert errors.nth(1).inner_text().startswith("4\t入会日期")
    assert page.locator("#total-rows").inner_text() == "4"

    with page.expect_download() as download:
        page.get_by_role("link", name="下载问题报告").click()
    assert download.value.suggested_filename.endswith("-errors.xlsx")

    page.select_option("select[name=mode]", "valid_only")
    page.click("#apply-batch")
    page.wait_for_load_state()
    assert "已导入2名会员" in page.content()
    assert page.locator("#imported-rows").inner_text() == "2"
    assert Membership.objects.filter(organisation=cast.xq_union).count() == 2

    page.click("#undo-batch")
    page.wait_for_load_state()
    assert "该批次已撤销" in page.content()
    assert ImportBatch.objects.get().status == "undone"
    assert not Membership.objects.exists()


def test_a_large_file_runs_in_the_background_behind_a_progress_bar(
    page: Any, cast: Any, tmp_path: Any, settings: Any
) -> None:
    """Over the threshold, the apply is queued for the task worker and the page polls the
    batch's progress until it is done, then shows the outcome."""
    from django.core.management import call_command

    settings.GONGHUI_IMPORT_BACKGROUND_ROWS = 3
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    source = tmp_path / "快递员.xlsx"
    source.write_bytes(xlsx_bytes([member_row(i) for i in range(1, 6)]))
    # The page's polls wait in the browser while the worker below runs: the test and the live
    # server share one connection to an in-memory SQLite database, which takes one at a time.
    page.route("**/progress/", lambda route: route.continue_())
    _upload(page, cast, source)
    page.click("#apply-batch")
    page.wait_for_load_state()
    progress = page.locator("#import-progress")
    assert "排队中 · 0%" in progress.inner_text()
    assert page.locator("#import-progress progress").get_attribute("value") == "0"
    assert ImportBatch.objects.get().status == "queued" and not Membership.objects.exists()

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    progress.wait_for(state="detached")  # the next poll finds it done and reloads the page
    assert page.locator("#imported-rows").inner_text() == "5"
    assert Membership.objects.filter(organisation=cast.xq_union).count() == 5


def test_a_clerks_workbook_instructions_first_a_title_row_and_a_landline_column(
    page: Any, cast: Any, tmp_path: Any
) -> None:
    """The file union clerks really have: a first sheet of instructions, the roster on the
    second under a title row, a landline column before the mobile one, a merged employer and a
    footer. The page names the rows as the sheet numbers them."""
    import io

    from openpyxl import Workbook

    from gonghui.memberimport.tests.factories import HEADER, make_id

    book = Workbook()
    book.active.title = "填表说明"
    book.active.append(["带*为必填项；身份证号请设为文本格式"])
    sheet = book.create_sheet("花名册")
    sheet.append(["XX快递公司2026年集中入会花名册"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER) + 1)
    sheet.append(["联系电话", *(f"{title}*" if title == "手机号" else title for title in HEADER)])
    for seq in (1, 2, 3):
        row = member_row(seq, employer="银川顺达快递有限公司" if seq == 1 else "")
        sheet.append(["0951-5012345", *row])
    sheet.append(["0951-5012345", *member_row(4, **{"身份证号": make_id(4, birth="20120101")})])
    employer = HEADER.index("工作单位") + 2
    sheet.merge_cells(start_row=3, start_column=employer, end_row=5, end_column=employer)
    sheet.append(["填表人：张三 审核人：李四"])
    buffer = io.BytesIO()
    book.save(buffer)
    source = tmp_path / "花名册.xlsx"
    source.write_bytes(buffer.getvalue())
    _upload(page, cast, source)

    errors = page.locator("#import-errors tbody tr")
    assert errors.count() == 1
    assert errors.nth(0).inner_text().startswith("6\t身份证号")
    assert "入会日期时未满16周岁" in errors.nth(0).inner_text()
    assert page.locator("#total-rows").inner_text() == "4"
