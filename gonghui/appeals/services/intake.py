"""Intake from every channel (hotline, H5, walk-in, API) and routing by the table."""

from __future__ import annotations

import contextlib
import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts.models import RoleAssignment
from gonghui.accounts.roles import roles_with
from gonghui.accounts.scoping import actor_can
from gonghui.appeals import rules
from gonghui.appeals.choices import (
    Channel,
    Complexity,
    EventKind,
    RequestType,
    State,
)
from gonghui.appeals.models import (
    Appeal,
    AppealAlert,
    RoutingRule,
    Subject,
)
from gonghui.appeals.selectors import appeal_by_idempotency_key
from gonghui.appeals.services.attachments import attachment_add
from gonghui.appeals.services.common import (
    _event,
    _event_row,
    classifier,
    division_by_code,
    intake_organisation,
    logger,
    root_organisation,
    sla_days,
    subject_by_code,
    take_case_number,
)
from gonghui.appeals.services.employers import (
    NewEmployer,
    new_employer_check,
    new_employer_register,
)
from gonghui.core import audit
from gonghui.core.inserts import insert_with
from gonghui.core.models import ChangeRecord, Division
from gonghui.core.pii import blind_index
from gonghui.core.validators import normalise_phone, parse_resident_id
from gonghui.core.workdays import add_working_days
from gonghui.orgs.models import Employer, Organisation
from gonghui.orgs.selectors import local_federation

# --- routing ---------------------------------------------------------------------------------


def route_for(
    subject: Subject, division: Division, employer: Employer | None = None
) -> tuple[Organisation, str]:
    """The responsible union from the routing table, with the reason shown to the dispatcher."""
    place = employer.division if employer is not None else division
    codes = [place.code]
    if place.level == "county":
        codes += [place.code[:4] + "00", place.code[:2] + "0000"]
    elif place.level == "city":
        codes += [place.code[:2] + "0000"]
    candidates = (
        RoutingRule.objects.filter(active=True)
        .filter(Q(subject=subject) | Q(subject__isnull=True))
        .filter(Q(division_id__in=codes) | Q(division__isnull=True))
        .select_related("organisation", "subject")
    )
    by_candidate = {
        rules.RouteCandidate(
            rule.subject.code if rule.subject else None, rule.division_id, rule.organisation_id
        ): rule
        for rule in candidates
    }
    chosen = rules.pick_route(by_candidate.keys(), subject.code, codes)
    if chosen is not None:
        rule = by_candidate[chosen]
        reason = _("Routing rule: %(subject)s × %(division)s → %(org)s") % {
            "subject": rule.subject.name if rule.subject else _("any subject"),
            "division": rule.division_id or _("any division"),
            "org": rule.organisation.name,
        }
        return rule.organisation, reason
    federation = local_federation(place)
    if federation is None:
        return root_organisation(), _("No rule and no local federation: the regional centre.")
    if employer is not None:
        reason = _("Default: the local federation where the employer is (%(division)s).")
    else:
        reason = _("Default: the local federation of the caller's division (%(division)s).")
    return federation, reason % {"division": place.name}


# --- intake ----------------------------------------------------------------------------------


def _clean_intake(data: dict[str, Any]) -> dict[str, Any]:
    """Check every field at once so the caller sees all mistakes, each naming its field."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    out["caller_name"] = (data.get("caller_name") or "").strip()
    if not out["caller_name"]:
        errors["caller_name"] = _("Name: please enter the caller's name.")
    try:
        out["phone"] = normalise_phone(data.get("phone") or "")
    except ValidationError as error:
        errors["phone"] = _("Phone: %(error)s") % {"error": error.messages[0]}
    raw_id = (data.get("id_number") or "").strip()
    out["id_number"] = ""
    if raw_id:
        try:
            out["id_number"] = parse_resident_id(raw_id).number
        except ValidationError as error:
            errors["id_number"] = _("ID number: %(error)s") % {"error": error.messages[0]}
    out["facts"] = (data.get("facts") or "").strip()
    if len(out["facts"]) < 4:
        errors["facts"] = _("What happened: please describe what happened (at least 4 characters).")
    out["demand"] = (data.get("demand") or "").strip()
    out["request_type"] = data.get("request_type") or RequestType.HELP
    if out["request_type"] not in RequestType.values:
        errors["request_type"] = _("Request type: choose one of the listed types.")
    out["complexity"] = data.get("complexity") or Complexity.ORDINARY
    if out["complexity"] not in Complexity.values:
        errors["complexity"] = _("Complexity: choose one of the listed levels.")
    division = data.get("division")
    if not isinstance(division, Division):
        division = division_by_code(str(division or ""))
    if division is None:
        errors["division"] = _("Division: choose the county or district where the work is.")
    out["division"] = division
    subject = data.get("subject")
    if subject is not None and not isinstance(subject, Subject):
        subject = subject_by_code(str(subject), active_only=True)
        if subject is None and data.get("subject"):
            errors["subject"] = _("Subject: unknown subject.")
    out["subject"] = subject
    employer = data.get("employer")
    if employer is not None and not isinstance(employer, Employer):
        employer = Employer.objects.filter(pk=employer).first()
    out["employer"] = employer
    out["employer_name"] = (
        data.get("employer_name") or (employer.name if employer else "")
    ).strip()[:150]
    if errors:
        raise ValidationError(errors)
    return out


def appeal_intake(
    *,
    actor: Any,
    channel: str,
    data: dict[str, Any],
    idempotency_key: str | None = None,
    answer: str = "",
    received_at: datetime.datetime | None = None,
    files: list[Any] | None = None,
    new_employer: dict[str, Any] | None = None,
    organisation: Organisation | None = None,
    station: Any = None,
) -> Appeal:
    """Record a new appeal from any channel; a repeated idempotency key returns the first one.

    ``actor`` is None for the worker's own H5/API submissions. ``answer`` (staff, consultations
    only) answers and closes the appeal on the spot. ``new_employer`` (staff: ``name``,
    ``credit_code``, ``division``) registers the caller's employer in passing, see
    services/employers.py; the appeal is then routed by that employer's division.
    """
    return appeal_intake_once(
        actor=actor,
        channel=channel,
        data=data,
        idempotency_key=idempotency_key,
        answer=answer,
        received_at=received_at,
        files=files,
        new_employer=new_employer,
        organisation=organisation,
        station=station,
    )[0]


def appeal_intake_once(
    *,
    actor: Any,
    channel: str,
    data: dict[str, Any],
    idempotency_key: str | None = None,
    answer: str = "",
    received_at: datetime.datetime | None = None,
    files: list[Any] | None = None,
    new_employer: dict[str, Any] | None = None,
    organisation: Organisation | None = None,
    station: Any = None,
) -> tuple[Appeal, bool]:
    """``appeal_intake`` that also says whether the appeal is new (False: the key was known).

    A repeated key is found by the unique index on the insert rather than by a query first:
    retries are rare and every first submission would pay for that query. The retry's case
    number is then skipped, which the numbering tolerates. Only a retry that registers a new
    employer is looked up first: the first submission registered it, so checking it again
    would refuse the retry."""
    key = (idempotency_key or "").strip()[:80] or None
    if key and new_employer is not None:
        existing = appeal_by_idempotency_key(key)
        if existing is not None:
            return existing, False
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Channel: unknown channel.")})
    # Validation, classification and deadlines happen before the transaction: on SQLite the
    # write lock is taken at BEGIN, so only the inserts run while holding it.
    new = _check_new_employer(actor, data, new_employer) if new_employer is not None else None
    appeal = _prepare(actor, channel, data, key, received_at, files or [])
    if organisation is not None or station is not None:
        _receive_at(actor, appeal, organisation, station)
    appeal.number = take_case_number(timezone.localtime(appeal.received_at).year)
    # The appeal, its event and its audit record are stored all or none by themselves (one
    # statement on PostgreSQL). A transaction block is needed only for an intake that writes
    # more, or inside a caller's transaction, where its savepoint keeps a repeated key from
    # breaking the caller's transaction.
    alone = not (
        new
        or files
        or answer.strip()
        or appeal.subject.code == "emergency"
        or transaction.get_connection().in_atomic_block
    )
    try:
        with contextlib.nullcontext() if alone else transaction.atomic():
            return _create(actor, appeal, answer.strip(), files or [], new), True
    except IntegrityError:
        # The key is known (a retry, or a concurrent request that committed first): answer
        # with that first appeal.
        if key:
            existing = appeal_by_idempotency_key(key)
            if existing is not None:
                return existing, False
        raise


def _check_new_employer(actor: Any, data: dict[str, Any], raw: dict[str, Any]) -> NewEmployer:
    """Staff only: the typed new employer, checked together with the appeal's own fields so the
    operator sees every mistake at once."""
    if not (getattr(actor, "is_authenticated", False) and actor_can(actor, "appeal.intake")):
        raise Http404
    try:
        new = new_employer_check(actor=actor, raw={"division": data.get("division"), **raw})
    except ValidationError as error:
        try:
            _clean_intake(data)
        except ValidationError as others:
            raise ValidationError({**others.error_dict, **error.error_dict}) from None
        raise
    data["employer"] = new.existing
    data["employer_name"] = new.name
    return new


def _receive_at(
    actor: Any, appeal: Appeal, organisation: Organisation | None, station: Any
) -> None:
    """Staff only (walk-ins): the union that received the appeal, if not the actor's highest
    level, and the station of the visit; both must lie in the actor's area."""
    if organisation is not None:
        if not actor_can(actor, "appeal.intake", organisation.path):
            raise ValidationError(
                {"organisation": _("Receiving union: choose a union where you take appeals.")}
            )
        appeal.organisation = organisation
    if station is not None:
        if not actor_can(actor, "station.view", station.organisation.path):
            raise ValidationError({"station": _("Station: choose a station of your area.")})
        appeal.station = station


def _classify(text: str) -> tuple[Subject | None, float | None, list[str]]:
    try:
        prediction = classifier().predict(text)
    except ValueError:
        return None, None, []
    subject = subject_by_code(prediction.category)
    return subject, round(float(prediction.confidence), 4), list(prediction.top_terms)


def _prepare(
    actor: Any,
    channel: str,
    data: dict[str, Any],
    key: str | None,
    received_at: datetime.datetime | None,
    files: list[Any],
) -> Appeal:
    """The new appeal, checked, classified and with its deadlines, not yet numbered or saved."""
    clean = _clean_intake(data)
    if len(files) > rules.MAX_ATTACHMENTS:
        raise ValidationError(
            {"files": _("Files: at most %(n)d files per appeal.") % {"n": rules.MAX_ATTACHMENTS}}
        )
    staff = getattr(actor, "is_authenticated", False)
    if staff and not actor_can(actor, "appeal.intake"):
        raise Http404
    organisation = intake_organisation(actor) if staff else root_organisation()
    suggested, confidence, terms = _classify(f"{clean['facts']} {clean['demand']}")
    subject = clean["subject"] or suggested or subject_by_code("suggestion")
    if subject is None:
        raise ValidationError({"subject": _("Subject: unknown subject.")})
    received_at = received_at or timezone.now()
    received_day = timezone.localdate(received_at)
    sign_days, reply_days = sla_days(clean["request_type"], clean["complexity"])
    due = rules.deadlines(received_day, sign_days, reply_days, add_working_days)
    return Appeal(
        channel=channel,
        received_at=received_at,
        received_on=received_day,
        caller_name=clean["caller_name"][:50],
        phone=clean["phone"],
        phone_hash=blind_index("phone", clean["phone"]),
        id_number=clean["id_number"],
        id_number_hash=blind_index("id", clean["id_number"]) if clean["id_number"] else b"",
        employer=clean["employer"],
        employer_name=clean["employer_name"],
        division=clean["division"],
        facts=clean["facts"],
        demand=clean["demand"],
        request_type=clean["request_type"],
        subject=subject,
        subject_confirmed=bool(staff and clean["subject"]),
        suggested_subject=suggested,
        suggestion_confidence=confidence,
        suggestion_terms=terms,
        complexity=clean["complexity"],
        urgent=bool(data.get("urgent")) or subject.code == "emergency",
        organisation=organisation,
        sign_due=due.sign_due,
        reply_due=due.reply_due,
        due_on=due.sign_due,
        idempotency_key=key,
        created_by=actor if staff else None,
    )


def _create(
    actor: Any, appeal: Appeal, answer: str, files: list[Any], new: NewEmployer | None = None
) -> Appeal:
    """Number and store the prepared appeal with its first event and audit record."""
    staff = getattr(actor, "is_authenticated", False)
    channel, subject, organisation = appeal.channel, appeal.subject, appeal.organisation
    number = appeal.number  # taken from the process's block before the transaction
    after: dict[str, Any] = {"number": number, "channel": channel, "subject": subject.code}
    if appeal.station_id is not None:
        after["station"] = appeal.station_id
    if new is not None:
        employer, created = new_employer_register(actor=actor, new=new)
        appeal.employer, appeal.employer_name = employer, employer.name
        after.update(employer=employer.pk, employer_created=created)
    received = (
        _("Appeal received (%(channel)s).") % {"channel": Channel(channel).label}
        if appeal.station is None
        else _("Appeal received (%(channel)s) at %(station)s.")
        % {"channel": Channel(channel).label, "station": appeal.station.name}
    )
    insert_with(
        appeal,
        lambda stored: [
            _event_row(
                stored,
                EventKind.RECEIVED,
                actor=actor,
                public=True,
                to_state=State.RECEIVED,
                message=received,
            ),
            audit.change_record(
                actor=actor,
                action=ChangeRecord.Action.CREATE,
                verb="appeal_intake",
                obj=stored,
                after=after,
                organisation_path=organisation.path,
            ),
        ],
    )
    if new is not None and after["employer_created"]:
        _event(
            appeal,
            EventKind.NOTE,
            actor=actor,
            message=_("New employer registered at intake: %(name)s (%(division)s).")
            % {"name": appeal.employer_name, "division": new.division.name},
        )
    if subject.code == "emergency":
        _alert_duty(appeal)
    for upload in files:
        attachment_add(actor=None, appeal=appeal, upload=upload, public=not staff)
    if answer:
        _answer_on_spot(actor, appeal, answer)
    return appeal


def _answer_on_spot(actor: Any, appeal: Appeal, answer: str) -> None:
    """A consultation answered during the call: recorded and closed at once."""
    if appeal.request_type != RequestType.CONSULTATION:
        raise ValidationError(
            {"answer": _("Answer: only a consultation can be answered and closed on the spot.")}
        )
    now = timezone.now()
    Appeal.objects.filter(pk=appeal.pk).update(
        state=State.CLOSED,
        reply=answer,
        replied_at=now,
        closed_at=now,
        on_time=True,
        working_days_to_close=0,
        due_on=None,
        version=F("version") + 1,
    )
    appeal.refresh_from_db()
    _event(
        appeal,
        EventKind.ANSWERED,
        actor=actor,
        public=True,
        from_state=State.RECEIVED,
        to_state=State.CLOSED,
        message=answer,
    )


def _alert_duty(appeal: Appeal) -> None:
    """Emergency: alert the duty staff of the region and of the county at once."""
    places = [root_organisation()]
    county = local_federation(appeal.division)
    if county is not None and county.pk != places[0].pk:
        places.append(county)
    user_ids = set(
        RoleAssignment.objects.filter(
            organisation__in=places, role__in=roles_with("appeal.duty")
        ).values_list("user_id", flat=True)
    )
    message = _("Emergency appeal %(number)s in %(division)s") % {
        "number": appeal.number,
        "division": appeal.division.name,
    }
    AppealAlert.objects.bulk_create(
        [AppealAlert(user_id=uid, appeal=appeal, message=message[:200]) for uid in user_ids],
        ignore_conflicts=True,
    )
    _event(appeal, EventKind.ALERT, message=message, actor_name="")
    logger.warning(
        "emergency appeal %s division=%s alerted %d duty staff",
        appeal.number,
        appeal.division_id,
        len(user_ids),
    )
