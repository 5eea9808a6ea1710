"""Intake, transitions, concurrency and scope of the appeal services."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404

from gonghui.appeals import services
from gonghui.appeals.choices import EventKind, State
from gonghui.appeals.models import Appeal, AppealAlert, RoutingRule, Subject
from gonghui.appeals.tests.conftest import intake_data
from gonghui.core.errors import Conflict
from gonghui.core.models import ChangeRecord, Division
from gonghui.core.pii import blind_index
from gonghui.testing import make_user

pytestmark = pytest.mark.django_db


def test_subjects_are_seeded_by_migration() -> None:
    assert Subject.objects.count() == 12
    assert Subject.objects.get(code="wage").name == "劳动报酬/欠薪"


def test_intake_numbers_classifies_encrypts_and_sets_deadlines(cast, make_appeal) -> None:
    appeal = make_appeal()
    assert re.fullmatch(r"NX\d{4}-\d{6}", appeal.number)
    second = make_appeal()
    assert int(second.number[-6:]) == int(appeal.number[-6:]) + 1
    assert appeal.state == State.RECEIVED
    assert appeal.organisation == cast.region
    assert appeal.suggested_subject.code == "wage"
    assert appeal.subject.code == "wage"
    assert not appeal.subject_confirmed
    assert appeal.suggestion_terms
    assert 0 < appeal.suggestion_confidence <= 1
    assert appeal.sign_due < appeal.reply_due
    assert appeal.due_on == appeal.sign_due
    assert appeal.phone_hash == blind_index("phone", "13912345678")
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM appeals_appeal WHERE id = %s", [appeal.pk])
        assert "13912345678" not in cursor.fetchone()[0]  # ciphertext in the column
    assert appeal.events.get().kind == EventKind.RECEIVED
    assert ChangeRecord.objects.filter(verb="appeal_intake", object_id=str(appeal.pk)).exists()


def test_intake_confirmed_subject_wins_over_suggestion(make_appeal) -> None:
    appeal = make_appeal(subject="contract")
    assert appeal.subject.code == "contract"
    assert appeal.subject_confirmed
    assert appeal.suggested_subject.code == "wage"


def test_intake_bad_input_names_each_field_in_chinese(cast) -> None:
    with pytest.raises(ValidationError) as info:
        services.appeal_intake(
            actor=cast.hotline,
            channel="phone",
            data=intake_data(
                caller_name="",
                phone="12345",
                id_number="640104199001011230",
                facts="",
                division="999999",
            ),
        )
    fields = info.value.message_dict
    assert set(fields) >= {"caller_name", "phone", "id_number", "facts", "division"}
    assert "手机号" in fields["phone"][0]
    assert "姓名" in fields["caller_name"][0]
    assert Appeal.objects.count() == 0


def test_idempotent_intake_returns_the_first_appeal(make_appeal) -> None:
    first = make_appeal(idempotency_key="abc-1")
    again = make_appeal(idempotency_key="abc-1", facts="完全不同的内容，重复提交")
    assert again.pk == first.pk
    assert Appeal.objects.count() == 1


def test_intake_writes_appeal_event_and_audit_in_one_statement_on_postgresql(
    cast, make_appeal
) -> None:  # type: ignore[no-untyped-def]
    from django.test.utils import CaptureQueriesContext

    make_appeal()  # takes the process's blocks of case numbers and keys first
    with CaptureQueriesContext(connection) as queries:
        appeal = make_appeal(facts="单位不给缴纳社会保险，也不签劳动合同。")
    inserts = [q["sql"] for q in queries.captured_queries if "INSERT INTO" in q["sql"]]
    assert len(inserts) == (1 if connection.vendor == "postgresql" else 3)
    event = appeal.events.get()
    assert event.kind == EventKind.RECEIVED and event.pk
    record = ChangeRecord.objects.get(verb="appeal_intake", object_id=str(appeal.pk))
    assert record.after["number"] == appeal.number and record.actor_name == cast.hotline.username


def test_consultation_answered_on_the_spot_is_closed(make_appeal) -> None:
    appeal = make_appeal(request_type="consultation", answer="试用期最长不超过六个月。")
    assert appeal.state == State.CLOSED
    assert appeal.reply.startswith("试用期")
    assert appeal.on_time and appeal.working_days_to_close == 0
    with pytest.raises(ValidationError):
        make_appeal(request_type="complaint", answer="不行")


def test_emergency_alerts_duty_staff_of_region_and_county(cast, make_appeal, caplog) -> None:
    region_duty = make_user("duty_region", "duty_officer", cast.region)
    county_duty = make_user("duty_xq", "duty_officer", cast.xingqing)
    other = make_user("duty_yz", "duty_officer", cast.yuanzhou)
    appeal = make_appeal(
        facts="工地脚手架刚刚倒塌，有工人被压在下面，现场几十人聚集", subject="emergency"
    )
    alerted = set(AppealAlert.objects.filter(appeal=appeal).values_list("user", flat=True))
    # federation_admin holds appeal.duty too: the region admin is alerted with the duty officers
    assert alerted == {region_duty.pk, county_duty.pk, cast.nx_admin.pk}
    assert other.pk not in alerted
    assert appeal.urgent
    assert "emergency appeal" in caplog.text


def test_routing_default_and_table(cast, make_appeal) -> None:
    appeal = make_appeal()
    org, reason = services.route_for(appeal.subject, appeal.division)
    assert org == cast.xingqing
    assert "兴庆区" in reason
    RoutingRule.objects.create(
        subject=Subject.objects.get(code="wage"),
        division=Division.objects.get(pk="640100"),
        organisation=cast.yinchuan,
    )
    org, reason = services.route_for(appeal.subject, appeal.division)
    assert org == cast.yinchuan
    assert "路由规则" in reason
    org, _ = services.route_for(Subject.objects.get(code="injury"), appeal.division)
    assert org == cast.xingqing
    # the employer's place wins over the caller's division
    org, _ = services.route_for(appeal.subject, appeal.division, cast.yz_employer)
    assert org == cast.yuanzhou


def test_full_life_cycle(cast, at_county) -> None:
    appeal = services.appeal_sign(actor=cast.xq_staff, appeal=at_county)
    assert appeal.state == State.SIGNED and appeal.due_on == appeal.reply_due
    appeal = services.appeal_start(actor=cast.xq_staff, appeal=appeal)
    appeal = services.appeal_reply(
        actor=cast.xq_staff, appeal=appeal, reply="已督促企业补发工资。", wages_recovered="12000.50"
    )
    assert appeal.state == State.REPLIED and appeal.on_time
    assert appeal.wages_recovered == Decimal("12000.50")
    appeal = services.appeal_callback(actor=cast.hotline, appeal=appeal, result="satisfied")
    assert appeal.state == State.CALLBACK and appeal.satisfaction == "satisfied"
    appeal = services.appeal_close(actor=cast.hotline, appeal=appeal)
    assert appeal.state == State.CLOSED and appeal.working_days_to_close == 0
    kinds = list(appeal.events.values_list("kind", flat=True))
    assert kinds == ["received", "dispatched", "signed", "started", "replied", "callback", "closed"]


def test_transition_outside_the_table_is_a_conflict(cast, at_county) -> None:
    with pytest.raises(Conflict) as info:
        services.appeal_reply(actor=cast.xq_staff, appeal=at_county, reply="x")
    assert "已分派" in info.value.message


def test_two_handlers_at_once_one_wins(cast, at_county) -> None:
    mine = Appeal.objects.get(pk=at_county.pk)
    theirs = Appeal.objects.get(pk=at_county.pk)
    services.appeal_sign(actor=cast.xq_staff, appeal=mine)
    with pytest.raises(Conflict) as info:
        services.appeal_sign(actor=cast.yc_staff, appeal=theirs)
    assert "刚刚" in info.value.message
    assert Appeal.objects.get(pk=at_county.pk).events.filter(kind="signed").count() == 1
    # a stale version from a form is refused even when the state still matches
    fresh = Appeal.objects.get(pk=at_county.pk)
    with pytest.raises(Conflict):
        services.appeal_start(actor=cast.xq_staff, appeal=fresh, version=fresh.version - 1)


def test_scope_a_county_cannot_act_on_another_county(cast, at_county) -> None:
    with pytest.raises(Http404):
        services.appeal_sign(actor=cast.yz_staff, appeal=at_county)
    with pytest.raises(Http404):
        services.appeal_dispatch(actor=cast.xq_staff, appeal=at_county, organisation=cast.xq_union)
        services.appeal_dispatch(actor=cast.yz_staff, appeal=at_county, organisation=cast.yuanzhou)


def test_return_goes_back_to_the_dispatcher_with_reason(cast, at_county) -> None:
    with pytest.raises(ValidationError):
        services.appeal_return(actor=cast.xq_staff, appeal=at_county, reason="")
    appeal = services.appeal_return(
        actor=cast.xq_staff, appeal=at_county, reason="用人单位在金凤区"
    )
    assert appeal.state == State.RETURNED and appeal.organisation == cast.region
    appeal = services.appeal_dispatch(actor=cast.hotline, appeal=appeal, organisation=cast.jinfeng)
    assert appeal.organisation == cast.jinfeng


def test_unsatisfied_callback_reopens_and_unreachable_after_three_tries(cast, at_county) -> None:
    appeal = services.appeal_sign(actor=cast.xq_staff, appeal=at_county)
    appeal = services.appeal_reply(actor=cast.xq_staff, appeal=appeal, reply="已答复")
    appeal = services.appeal_callback(actor=cast.hotline, appeal=appeal, result="unsatisfied")
    assert appeal.state == State.REOPENED and appeal.reopen_count == 1 and appeal.due_on
    appeal = services.appeal_reply(actor=cast.xq_staff, appeal=appeal, reply="重新办理完毕")
    for _ in range(2):
        appeal = services.appeal_callback(actor=cast.hotline, appeal=appeal, result="no_answer")
        assert appeal.state == State.REPLIED
    appeal = services.appeal_callback(actor=cast.hotline, appeal=appeal, result="no_answer")
    assert appeal.state == State.CALLBACK and appeal.satisfaction == "unreachable"


def test_merge_and_notes(cast, make_appeal, at_county) -> None:
    duplicate = services.appeal_dispatch(
        actor=cast.hotline, appeal=make_appeal(), organisation=cast.xingqing
    )
    merged = services.appeal_merge(
        actor=cast.xq_staff, appeal=duplicate, into_number=at_county.number
    )
    assert merged.state == State.MERGED and merged.merged_into == at_county
    note = services.appeal_note(actor=cast.xq_staff, appeal=at_county, text="已电话联系企业")
    assert not note.public


def test_attachment_type_size_and_exif(cast, at_county) -> None:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    image = Image.new("RGB", (8, 8), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    upload = SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")
    attachment = services.attachment_add(actor=cast.xq_staff, appeal=at_county, upload=upload)
    with attachment.file.open("rb") as stored:
        data = stored.read()
    assert b"SecretCam" not in data
    assert not Image.open(io.BytesIO(data)).getexif()
    with pytest.raises(ValidationError) as info:
        services.attachment_add(
            actor=cast.xq_staff,
            appeal=at_county,
            upload=SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream"),
        )
    assert "JPG" in str(info.value)
    for _ in range(3):
        services.attachment_add(
            actor=cast.xq_staff,
            appeal=at_county,
            upload=SimpleUploadedFile("doc.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
        )
    with pytest.raises(ValidationError):
        services.attachment_add(
            actor=cast.xq_staff,
            appeal=at_county,
            upload=SimpleUploadedFile("doc.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
        )


def test_deadlines_follow_the_holiday_calendar(cast, make_appeal) -> None:
    # Received on Tuesday 30 Sep 2025: National Day holiday 1–8 Oct, so 1 working day → 9 Oct.
    with time_machine.travel(
        datetime.datetime(2025, 9, 30, 10, 0, tzinfo=datetime.UTC), tick=False
    ):
        appeal = make_appeal(request_type="help")
    assert appeal.sign_due == datetime.date(2025, 10, 9)
    # help = 5 working days: 9, 10, 11 (make-up Saturday), 13, 14
    assert appeal.reply_due == datetime.date(2025, 10, 14)


def test_confirmed_appeals_become_training_data(cast, make_appeal) -> None:
    from gonghui.appeals import selectors

    confirmed = make_appeal(subject="contract", facts="砼泵车司机被口头辞退，没有补偿")
    make_appeal(facts="老板拖欠工资")  # suggested only, not confirmed by staff
    examples = selectors.training_examples()
    assert [code for _text, code in examples] == ["contract"]
    assert examples[0][0].startswith(confirmed.facts)
    services.forget_classifier()
    from gonghui.appeals.classify import default_model

    assert services.classifier() is default_model(extra=examples)


def test_the_classifier_is_retrained_in_the_background(monkeypatch) -> None:
    """After the first model, requests never wait for a retraining: the current model answers
    while the next one is trained in a thread."""
    import threading
    import time

    from gonghui.appeals.services import common

    release = threading.Event()
    trained = iter(["first model", "second model"])

    def train() -> str:
        model = next(trained)
        if model == "second model":
            release.wait(5)
        return model

    monkeypatch.setattr(common, "_train", train)
    services.forget_classifier()
    assert services.classifier() == "first model"
    common._model["loaded_at"] -= common._MODEL_TTL_SECONDS + 1
    assert services.classifier() == "first model"  # at once, while the retraining waits
    assert services.classifier() == "first model"  # and only one retraining is started
    release.set()
    deadline = time.monotonic() + 5
    while services.classifier() != "second model" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert services.classifier() == "second model"
