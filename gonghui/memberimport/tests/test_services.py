"""Preview, apply (strict / valid-only), background path and undo of mass enrolment."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from gonghui.core.errors import Conflict, ScopeViolation
from gonghui.core.models import ChangeRecord
from gonghui.core.pii import blind_index
from gonghui.memberimport import headers, services, workbook
from gonghui.memberimport.models import ImportBatch, ImportMode, ImportStatus, id_runs, run_ids
from gonghui.memberimport.services import chunks, registry, undo
from gonghui.memberimport.tests.factories import (
    csv_bytes,
    make_id,
    member_row,
    registered,
    rewritten,
    xlsx_bytes,
)
from gonghui.members import rules as member_rules
from gonghui.members.choices import EventKind, MembershipState
from gonghui.members.models import Membership, MembershipEvent, Person
from gonghui.orgs.models import Employer

pytestmark = pytest.mark.django_db


def _preview(cast, rows, *, actor=None, org=None, name="members.xlsx", mode=ImportMode.STRICT):
    return services.batch_preview(
        actor=actor or cast.xq_staff,
        organisation=org or cast.xq_union,
        file_name=name,
        data=xlsx_bytes(rows),
        mode=mode,
    )


def test_strict_apply_imports_every_row_with_events_cards_and_one_audit_record(cast):
    rows = [member_row(1, **{"姓名": "张宏伟"})] + [member_row(i) for i in range(2, 6)]
    batch, _ = _preview(cast, rows)
    assert batch.status == ImportStatus.PREVIEWED and batch.total_rows == 5 and batch.errors == []
    batch = services.batch_apply(actor=cast.xq_staff, batch=batch)
    assert batch.status == ImportStatus.APPLIED and batch.imported_rows == 5
    memberships = Membership.objects.filter(organisation=cast.xq_union)
    assert memberships.count() == 5
    assert len({m.card_number for m in memberships}) == 5
    first = memberships.select_related("person", "employer").get(person__name="张宏伟")
    assert first.person.id_number == make_id(1)  # decrypted through the field
    assert first.person.phone == "13900000001"
    assert first.person.phone_hash == blind_index("phone", "13900000001")
    assert first.person.name_initials == "zhw"
    assert first.occupation == "courier" and first.joined_on == datetime.date(2026, 1, 5)
    assert first.employer.name == "银川顺达快递有限公司"
    assert first.employer.organisation == cast.xq_union
    assert MembershipEvent.objects.filter(kind=EventKind.JOINED).count() == 5
    joined = MembershipEvent.objects.get(membership=first)
    assert joined.data == {"batch": batch.pk, "row": 2} and joined.actor == cast.xq_staff
    assert joined.note == "集中入会：members.xlsx"
    assert Employer.objects.filter(name="银川顺达快递有限公司").count() == 1
    records = ChangeRecord.objects.filter(verb="member_import_apply")
    assert records.count() == 1 and records.get().after["imported"] == 5


def test_existing_employer_matched_by_credit_code_or_by_name_in_scope(cast):
    rows = [
        member_row(
            1, employer="随便写的名字", **{"统一社会信用代码": cast.yz_employer.credit_code}
        ),
        member_row(2, employer=cast.xq_employer.name),
    ]
    batch, _ = _preview(cast, rows)
    services.batch_apply(actor=cast.xq_staff, batch=batch)
    employers = dict(Membership.objects.values_list("person__name", "employer_id"))
    assert employers == {"张一": cast.yz_employer.pk, "张二": cast.xq_employer.pk}
    assert batch.created_employer_ids == [] or ImportBatch.objects.get().created_employer_ids == []


def test_strict_mode_with_errors_writes_nothing(cast):
    rows = [member_row(1), member_row(2, **{"手机号": "12345"}), member_row(3)]
    batch, _ = _preview(cast, rows)
    assert batch.error_rows == 1
    batch = services.batch_apply(actor=cast.xq_staff, batch=batch)
    assert batch.status == ImportStatus.FAILED and batch.imported_rows == 0
    assert "没有导入" in batch.message
    assert not Membership.objects.exists() and not Person.objects.exists()
    assert not Employer.objects.filter(name="银川顺达快递有限公司").exists()


def test_a_failed_strict_batch_can_be_applied_again_with_valid_rows_only(cast):
    rows = [member_row(1), member_row(2, **{"手机号": "12345"})]
    batch, _ = _preview(cast, rows)
    assert services.batch_apply(actor=cast.xq_staff, batch=batch).status == ImportStatus.FAILED
    batch = services.batch_apply(actor=cast.xq_staff, batch=batch, mode=ImportMode.VALID_ONLY)
    assert batch.status == ImportStatus.APPLIED and batch.imported_rows == 1
    assert batch.message == ""


def test_valid_only_imports_the_good_rows(cast):
    rows = [member_row(1), member_row(2, **{"手机号": "12345"}), member_row(3)]
    batch, _ = _preview(cast, rows, mode=ImportMode.VALID_ONLY)
    batch = services.batch_apply(actor=cast.xq_staff, batch=batch)
    assert batch.status == ImportStatus.APPLIED
    assert batch.imported_rows == 2 and batch.error_rows == 1
    assert set(Person.objects.values_list("name", flat=True)) == {"张一", "张三"}


def test_failure_half_way_leaves_nothing(cast, monkeypatch):
    from gonghui.memberimport import bulk

    real = bulk.RowWriter.write
    calls = {"n": 0}

    def write(self, rows):
        if self.model is MembershipEvent:  # persons and memberships are written by now
            calls["n"] += 1
            raise RuntimeError("disk full")
        real(self, rows)

    monkeypatch.setattr(bulk.RowWriter, "write", write)
    batch, _ = _preview(cast, [member_row(i) for i in range(1, 4)])
    with pytest.raises(RuntimeError):
        services.batch_apply(actor=cast.xq_staff, batch=batch)
    assert calls["n"] == 1
    assert not Person.objects.exists() and not Membership.objects.exists()
    assert not Employer.objects.filter(name="银川顺达快递有限公司").exists()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED and "disk full" in batch.message


def test_bulk_name_initials_match_the_registry_rule():
    from gonghui.members.rules import name_initials

    names = [
        "张宏伟",
        "欧阳明月",
        "买买提·艾力",
        "Alice张",
        "曾国藩",
        "李长春",
        "单田芳",
        "",
        "𠀀王",
    ]
    bulk_result = member_rules.bulk_name_initials(names)
    assert bulk_result == {name: name_initials(name) for name in names}


def test_already_member_is_flagged_without_naming_the_union_and_left_member_rejoins(cast):
    registered(cast, 1)
    left = registered(cast, 2, state=MembershipState.LEFT)
    rows = [member_row(1), member_row(3), member_row(2), member_row(4)]
    batch, _ = _preview(cast, rows, mode=ImportMode.VALID_ONLY)
    assert [(e["row"], e["column"], e["code"]) for e in batch.errors] == [
        (2, "身份证号", "already_member")
    ]
    message = batch.errors[0]["message"]
    assert "已是工会会员" in message and cast.yz_union.name not in message
    services.batch_apply(actor=cast.xq_staff, batch=batch)
    joined = Membership.objects.filter(organisation=cast.xq_union).select_related("person")
    owners = {m.person.id_number: m.person_id for m in joined}
    assert owners[member_row(2)[1]] == left.person_id  # the same registry row, a new membership
    assert {member_row(3)[1], member_row(4)[1]} < owners.keys()  # new people, each their own
    assert len(set(owners.values())) == 3 and Person.objects.count() == 4


def test_member_joining_between_preview_and_apply_is_caught(cast):
    batch, _ = _preview(cast, [member_row(1), member_row(2)])
    registered(cast, 2)
    batch = services.batch_apply(actor=cast.xq_staff, batch=batch)
    assert batch.status == ImportStatus.FAILED
    assert [e["code"] for e in batch.errors] == ["already_member"]
    assert Membership.objects.count() == 1


def test_applying_twice_is_refused(cast):
    batch, _ = _preview(cast, [member_row(1)])
    services.batch_apply(actor=cast.xq_staff, batch=batch)
    with pytest.raises(Conflict):
        services.batch_apply(actor=cast.xq_staff, batch=batch)


def test_broken_and_wrong_files_give_a_chinese_file_error(cast):
    for name, data in [
        ("members.xlsx", b"PK\x03\x04 this is not a workbook"),
        ("members.csv", b"\x00\x01\x02binary"),
        ("members.pdf", b"%PDF-1.4"),
        ("members.csv", "名字,电话\n张三,13900000000\n".encode()),
    ]:
        with pytest.raises(ValidationError) as caught:
            services.batch_preview(
                actor=cast.xq_staff, organisation=cast.xq_union, file_name=name, data=data
            )
        assert "file" in caught.value.message_dict
        text = caught.value.message_dict["file"][0]
        assert any(word in text for word in ("无法读取", "只能导入", "缺少")), text
    assert not ImportBatch.objects.exists()


def test_gbk_csv_and_bom_csv(cast):
    for encoding in ("gbk", "utf-8-sig"):
        data = csv_bytes([member_row(1), member_row(2)], encoding=encoding)
        batch, parsed = services.batch_preview(
            actor=cast.xq_staff, organisation=cast.xq_union, file_name="a.csv", data=data
        )
        assert batch.errors == [] and [r.name for r in parsed.valid] == ["张一", "张二"]


def test_scope_another_countys_union_is_refused(cast):
    with pytest.raises(ScopeViolation):
        _preview(cast, [member_row(1)], org=cast.yz_union)
    batch, _ = _preview(cast, [member_row(1)], actor=cast.yz_staff, org=cast.yz_union)
    with pytest.raises(ScopeViolation):
        services.batch_apply(actor=cast.xq_staff, batch=batch)
    with pytest.raises(ScopeViolation):
        _preview(cast, [member_row(1)], actor=cast.nobody)
    assert not Membership.objects.exists()


def test_undo_within_seven_days_removes_exactly_the_batch(cast):
    keep = registered(cast, 900)
    keep_employer_count = Employer.objects.count()
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC), tick=False):
        batch, _ = _preview(cast, [member_row(i) for i in range(1, 4)])
        batch = services.batch_apply(actor=cast.xq_staff, batch=batch)
    assert Membership.objects.count() == 4
    created = Membership.objects.exclude(pk=keep.pk)
    assert run_ids(batch.membership_ids) == sorted(created.values_list("pk", flat=True))
    assert run_ids(batch.person_ids) == sorted(created.values_list("person_id", flat=True))
    assert len(batch.membership_ids) == 1  # the ids of one import are reserved together
    with time_machine.travel(datetime.datetime(2026, 3, 8, 9, tzinfo=datetime.UTC), tick=False):
        batch = services.batch_undo(actor=cast.xq_staff, batch=batch)
    assert batch.status == ImportStatus.UNDONE
    assert list(Membership.objects.values_list("pk", flat=True)) == [keep.pk]
    assert list(Person.objects.values_list("pk", flat=True)) == [keep.person_id]
    assert Employer.objects.count() == keep_employer_count
    assert not MembershipEvent.objects.exists()
    record = ChangeRecord.objects.get(verb="member_import_undo")
    assert record.after["removed_memberships"] == 3 and record.after["removed_people"] == 3
    with pytest.raises(Conflict):
        services.batch_undo(actor=cast.xq_staff, batch=batch)


def test_undo_goes_through_the_runs_a_few_at_a_time(cast, monkeypatch):
    """A batch whose ids are split into more runs than one statement takes (SQLite refuses an
    expression nested 1,000 deep) is undone in several statements, all of it."""
    keep = registered(cast, 900)
    batch, _ = _preview(cast, [member_row(i) for i in range(1, 6)])
    batch = services.batch_apply(actor=cast.xq_staff, batch=batch)
    split = [[pk, pk] for pk in run_ids(batch.membership_ids)]
    ImportBatch.objects.filter(pk=batch.pk).update(
        membership_ids=split, person_ids=[[pk, pk] for pk in run_ids(batch.person_ids)]
    )
    batch.refresh_from_db()
    monkeypatch.setattr(undo, "RUNS_PER_QUERY", 2)
    batch = services.batch_undo(actor=cast.xq_staff, batch=batch)
    assert batch.status == ImportStatus.UNDONE
    assert list(Membership.objects.values_list("pk", flat=True)) == [keep.pk]
    assert list(Person.objects.values_list("pk", flat=True)) == [keep.person_id]
    record = ChangeRecord.objects.get(verb="member_import_undo")
    assert record.after["removed_memberships"] == 5 and record.after["removed_people"] == 5


def test_id_runs_round_trip():
    assert id_runs([]) == [] and run_ids([]) == []
    ids = [7, 3, 4, 5, 9, 10, 1]
    assert id_runs(ids) == [[1, 1], [3, 5], [7, 7], [9, 10]]
    assert run_ids(id_runs(ids)) == sorted(ids)


def test_undo_keeps_a_returning_person_and_shared_employer(cast):
    left = registered(cast, 2, state=MembershipState.LEFT)
    batch, _ = _preview(cast, [member_row(2, employer=cast.xq_employer.name)])
    batch = services.batch_apply(actor=cast.xq_staff, batch=batch)
    assert batch.person_ids == [] and len(run_ids(batch.membership_ids)) == 1
    services.batch_undo(actor=cast.xq_staff, batch=batch)
    assert Person.objects.filter(pk=left.person_id).exists()
    assert Membership.objects.get().pk == left.pk
    assert Employer.objects.filter(pk=cast.xq_employer.pk).exists()


def test_undo_refused_after_seven_days(cast):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC), tick=False):
        batch, _ = _preview(cast, [member_row(1)])
        batch = services.batch_apply(actor=cast.xq_staff, batch=batch)
    later = datetime.datetime(2026, 3, 9, 9, 1, tzinfo=datetime.UTC)
    with time_machine.travel(later), pytest.raises(Conflict) as caught:
        services.batch_undo(actor=cast.xq_staff, batch=batch)
    assert caught.value.code == "undo_expired" and "7" in caught.value.message
    assert Membership.objects.count() == 1


def test_undo_refused_when_a_membership_changed(cast):
    batch, _ = _preview(cast, [member_row(1), member_row(2)])
    batch = services.batch_apply(actor=cast.xq_staff, batch=batch)
    membership = Membership.objects.get(person__name="张二")
    MembershipEvent.objects.create(membership=membership, kind=EventKind.UPDATED)
    with pytest.raises(Conflict) as caught:
        services.batch_undo(actor=cast.xq_staff, batch=batch)
    assert caught.value.code == "batch_changed"
    assert membership.card_number in caught.value.message
    assert Membership.objects.count() == 2


def test_undo_out_of_scope_is_refused(cast):
    batch, _ = _preview(cast, [member_row(1)])
    batch = services.batch_apply(actor=cast.xq_staff, batch=batch)
    with pytest.raises(ScopeViolation):
        services.batch_undo(actor=cast.yz_staff, batch=batch)
    assert Membership.objects.count() == 1


def test_large_file_runs_as_background_task_with_progress(cast, settings):
    settings.GONGHUI_IMPORT_BACKGROUND_ROWS = 3
    batch, _ = _preview(cast, [member_row(i) for i in range(1, 6)])
    result = services.batch_submit(actor=cast.xq_staff, batch=batch)
    # The test settings run tasks at once (ImmediateBackend); production queues them.
    result.refresh_from_db()
    assert result.status == ImportStatus.APPLIED and result.imported_rows == 5
    assert services.get_progress(result) == 100
    assert Membership.objects.count() == 5


def test_small_file_is_applied_in_the_request(cast, settings, monkeypatch):
    settings.GONGHUI_IMPORT_BACKGROUND_ROWS = 10
    from gonghui.memberimport import tasks

    class NotQueued:
        def enqueue(self, *args):
            pytest.fail("a small file must not be queued")

    monkeypatch.setattr(tasks, "apply_batch_task", NotQueued())
    batch, _ = _preview(cast, [member_row(i) for i in range(1, 6)])
    assert services.batch_submit(actor=cast.xq_staff, batch=batch).status == ImportStatus.APPLIED


def test_someone_registered_during_the_import_fails_it_cleanly(cast, monkeypatch):
    batch, _ = _preview(cast, [member_row(1), member_row(2)])
    registered(cast, 2)
    # Registered by another session between the registry check and the write.
    monkeypatch.setattr(registry, "registered", lambda hashes, db: iter(()))
    batch = services.batch_apply(actor=cast.xq_staff, batch=batch)
    assert batch.status == ImportStatus.FAILED
    assert "导入过程中" in batch.message
    assert Membership.objects.count() == 1 and Person.objects.count() == 1


def test_apply_checks_the_registry_again(cast):
    batch, _ = _preview(cast, [member_row(1), member_row(2)])
    assert batch.errors == []
    registered(cast, 2)  # joined elsewhere after the preview
    batch = services.batch_apply(actor=cast.xq_staff, batch=batch)
    assert batch.status == ImportStatus.FAILED and batch.error_rows == 1
    assert [(e["row"], e["code"]) for e in batch.errors] == [(3, "already_member")]
    assert Membership.objects.count() == 1
    batch = services.batch_apply(actor=cast.xq_staff, batch=batch, mode=ImportMode.VALID_ONLY)
    assert batch.status == ImportStatus.APPLIED and batch.imported_rows == 1


@pytest.mark.parametrize("apart", [True, False])
def test_one_pass_import_in_chunks(cast, monkeypatch, apart):
    """Rows stored chunk by chunk as they are checked, in a second process or here: a duplicate
    in a later chunk is still found, and in strict mode an error in the last chunk takes back
    what the earlier chunks wrote. The first rows come from the sheet's head
    (``workbook.HEAD_ROWS``), the rest from the whole sheet loaded meanwhile."""
    monkeypatch.setattr(chunks, "CHUNK", 2)
    monkeypatch.setattr(workbook, "HEAD_ROWS", 3)
    monkeypatch.setattr(workbook, "HEAD_MIN_BYTES", 0)
    rows = [member_row(i) for i in range(1, 6)] + [member_row(2)]  # row 7 repeats row 3
    data = xlsx_bytes(rows)
    batch = services.batch_preview(
        actor=cast.xq_staff, organisation=cast.xq_union, file_name="m.xlsx", data=data
    )[0]
    batch = services.batch_apply(actor=cast.xq_staff, batch=batch, apart=apart)
    assert batch.status == ImportStatus.FAILED and batch.total_rows == 6
    assert [(e["row"], e["code"]) for e in batch.errors] == [(7, "duplicate_in_file")]
    assert batch.errors[0]["message"] == "该身份证号与本文件第3行重复。"
    assert not Membership.objects.exists() and not Person.objects.exists()
    batch = services.batch_apply(
        actor=cast.xq_staff, batch=batch, mode=ImportMode.VALID_ONLY, apart=apart
    )
    assert batch.status == ImportStatus.APPLIED and batch.imported_rows == 5
    assert batch.error_rows == 1
    cards = list(Membership.objects.order_by("pk").values_list("card_number", flat=True))
    assert len(set(cards)) == 5
    assert MembershipEvent.objects.filter(kind=EventKind.JOINED).count() == 5
    assert run_ids(batch.membership_ids) == sorted(Membership.objects.values_list("pk", flat=True))


def test_no_registry_check_apart_inside_a_transaction(cast):
    """Inside a transaction (this test's) another connection would not see its rows."""
    assert registry.seen_apart() is False


@pytest.mark.parametrize(("journal", "apart"), [("WAL", True), ("DELETE", False)])
def test_a_sqlite_file_is_checked_apart_in_wal_mode_only(tmp_path, journal, apart):
    """In another journal mode the second process's reads could wait for the importing writer
    while it waits for them."""
    from django.db.utils import ConnectionHandler

    db = ConnectionHandler(
        {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(tmp_path / "registry.sqlite3"),
                "OPTIONS": {"init_command": f"PRAGMA journal_mode={journal}"},
            }
        }
    )["default"]
    try:
        assert registry.seen_apart(db) is apart
    finally:
        db.close()


def test_batch_import_without_preview(cast):
    batch = services.batch_import(
        actor=cast.xq_staff,
        organisation=cast.xq_union,
        file_name="m.csv",
        data=csv_bytes([member_row(1), member_row(2)]),
        mode=ImportMode.STRICT,
    )
    assert batch.status == ImportStatus.APPLIED and batch.total_rows == 2
    assert batch.imported_rows == 2 and Membership.objects.count() == 2
    broken = services.batch_import(
        actor=cast.xq_staff,
        organisation=cast.xq_union,
        file_name="m.xlsx",
        data=b"not a workbook",
        mode=ImportMode.STRICT,
    )
    assert broken.status == ImportStatus.FAILED and "无法读取" in broken.message
    assert Membership.objects.count() == 2


@pytest.mark.parametrize("mode", [ImportMode.STRICT, ImportMode.VALID_ONLY])
def test_a_sheet_damaged_after_its_first_rows_leaves_nothing(cast, monkeypatch, mode):
    """The sheet's head (``workbook.HEAD_ROWS``) is stored before the damage further down shows;
    the batch then fails with the file's message and takes back what it had written."""
    from gonghui.memberimport import bulk

    monkeypatch.setattr(chunks, "CHUNK", 2)
    monkeypatch.setattr(workbook, "HEAD_ROWS", 3)
    monkeypatch.setattr(workbook, "HEAD_MIN_BYTES", 0)
    monkeypatch.setattr(headers, "HEADER_SEARCH_ROWS", 2)  # the header is looked for in the head
    damaged = rewritten(
        xlsx_bytes([member_row(i) for i in range(1, 10)]),
        "xl/worksheets/sheet1.xml",
        {b'<row r="8"': b'<row r="8"><c'},
    )

    written = []
    real = bulk.RowWriter.write

    def write(self, rows):
        written.append(self.model)
        real(self, rows)

    monkeypatch.setattr(bulk.RowWriter, "write", write)
    batch = services.batch_import(
        actor=cast.xq_staff,
        organisation=cast.xq_union,
        file_name="m.xlsx",
        data=damaged,
        mode=mode,
    )
    assert Person in written  # the head's rows were stored before the damage showed
    assert batch.status == ImportStatus.FAILED and "无法读取" in batch.message
    assert not Person.objects.exists() and not Membership.objects.exists()
    assert not MembershipEvent.objects.exists()


def test_larger_sqlite_page_cache_during_the_write_is_given_back(cast, settings):
    from django.db import connection

    def cache_size():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size" if connection.vendor == "sqlite" else "SELECT 0")
            return cursor.fetchone()[0]

    settings.GONGHUI_IMPORT_SQLITE_CACHE_MB = 8
    before = cache_size()
    batch, _ = _preview(cast, [member_row(1), member_row(2)])
    assert services.batch_apply(actor=cast.xq_staff, batch=batch).imported_rows == 2
    assert cache_size() == before


def test_fast_name_initials_agree_with_the_registry_rule_on_many_names():
    import random

    from gonghui.members.rules import name_initials

    rng = random.Random(3)
    surnames = "王李张刘陈杨赵黄周吴曾单解仇朴区查乐欧阳司马诸葛"
    given = "伟芳娜敏静丽强磊军洋宏明华长春重行乐和调便朝藏一二三天地人"
    names = [
        rng.choice(surnames) + "".join(rng.choice(given) for _ in range(rng.choice([1, 2, 3])))
        for _ in range(3000)
    ] + ["李长春", "买买提·艾力", "Alice张", "", "𠀀王", " 张宏伟 "]
    assert [member_rules.fast_name_initials(n) for n in names] == [name_initials(n) for n in names]


def test_large_file_is_queued_in_the_database_backend_then_run_by_the_worker(cast, settings):
    from django_tasks_db.models import DBTaskResult

    from gonghui.memberimport import tasks

    settings.GONGHUI_IMPORT_BACKGROUND_ROWS = 3
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    batch, _ = _preview(cast, [member_row(i) for i in range(1, 6)])
    queued = services.batch_submit(actor=cast.xq_staff, batch=batch, mode=ImportMode.VALID_ONLY)
    assert queued.status == ImportStatus.QUEUED and services.get_progress(queued) == 0
    assert not Membership.objects.exists()
    job = DBTaskResult.objects.get()
    assert job.args_kwargs["args"] == [batch.pk, cast.xq_staff.pk, "valid_only"]
    with pytest.raises(Conflict):  # queued: no second apply
        services.batch_submit(actor=cast.xq_staff, batch=queued)
    # What `manage.py db_worker` does with the row: call the task function.
    assert tasks.apply_batch_task.func(*job.args_kwargs["args"]) == "applied"
    queued.refresh_from_db()
    assert queued.imported_rows == 5 and services.get_progress(queued) == 100


def test_new_employers_are_registered_once_per_credit_code_or_name(cast):
    from gonghui.testing import make_uscc

    code = make_uscc()
    rows = [
        member_row(1, employer="甲公司", **{"统一社会信用代码": code}),
        member_row(2, employer="甲公司（简称）", **{"统一社会信用代码": code}),
        member_row(3, employer="乙商行"),
        member_row(4, employer="乙商行"),
    ]
    batch, _ = _preview(cast, rows)
    batch = services.batch_apply(actor=cast.xq_staff, batch=batch)
    assert len(batch.created_employer_ids) == 2
    by_person = dict(Membership.objects.values_list("person__name", "employer__name"))
    assert (
        by_person["张一"] == by_person["张二"]
        and by_person["张三"] == by_person["张四"] == "乙商行"
    )
    created = Employer.objects.filter(pk__in=batch.created_employer_ids)
    assert {e.organisation_id for e in created} == {cast.xq_union.pk}
    assert created.get(credit_code=code).union == cast.xq_union


def test_unknown_employers_are_registered_details_pending(cast):
    rows = [member_row(1, employer="丙商行"), member_row(2, employer=cast.xq_employer.name)]
    batch, _ = _preview(cast, rows)
    batch = services.batch_apply(actor=cast.xq_staff, batch=batch)
    created = Employer.objects.get(pk__in=batch.created_employer_ids)
    assert created.name == "丙商行" and created.details_pending
    assert (created.industry, created.size, created.ownership) == ("O", "small", "other")
    cast.xq_employer.refresh_from_db()
    assert not cast.xq_employer.details_pending
