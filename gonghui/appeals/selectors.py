"""Every read of the 12351 appeals, already scoped to the actor (DESIGN §3)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Func, IntegerField, Q, QuerySet, Sum
from django.utils import timezone

from gonghui.accounts.scoping import scope_filter, subtree_q
from gonghui.appeals.choices import OPEN_STATES, ExtensionStatus, Satisfaction, State
from gonghui.appeals.models import Appeal, AppealAlert, AppealEvent, ExtensionRequest, Subject
from gonghui.core.models import Division
from gonghui.core.pii import blind_index
from gonghui.core.validators import normalise_phone
from gonghui.orgs.models import Employer, Organisation


def appeal_by_idempotency_key(key: str) -> Appeal | None:
    """The appeal first stored under this (caller-scoped) idempotency key, if any: a retry is
    answered with it. Loaded with what the API's answer shows, in one query."""
    return (
        Appeal.objects.select_related("subject", "suggested_subject", "organisation")
        .filter(idempotency_key=key)
        .first()
    )


def appeal_list(
    *,
    actor: Any,
    capability: str = "appeal.view",
    q: str = "",
    state: str = "",
    subject: str = "",
    flag: str = "",
    org: Organisation | None = None,
    received_from: datetime.date | None = None,
    received_to: datetime.date | None = None,
    closed_from: datetime.date | None = None,
    closed_to: datetime.date | None = None,
    overdue: bool = False,
    supervised: bool = False,
    open_only: bool = False,
    on_time: str = "",
    satisfaction: str = "",
    order: str = "-received_at",
) -> QuerySet[Appeal]:
    qs = Appeal.objects.visible_to(actor, capability).select_related(
        "subject", "organisation", "division"
    )
    if q:
        phone_hash = _phone_hash(q)
        qs = qs.filter(
            Q(number=q.strip().upper())  # case numbers are upper case: the unique index serves it
            | Q(caller_name=q)
            | Q(employer_name__icontains=q)
            | Q(phone_hash=phone_hash or b"-")
        )
    if state == "open" or open_only:
        qs = qs.filter(state__in=OPEN_STATES)
    elif state:
        qs = qs.filter(state=state)
    if subject:
        qs = qs.filter(subject__code=subject)
    if flag:
        qs = qs.filter(flag=flag)
    if org is not None:
        qs = qs.filter(subtree_q("organisation__path", org.path))
    if received_from:
        qs = qs.filter(received_on__gte=received_from)
    if received_to:
        qs = qs.filter(received_on__lte=received_to)
    if closed_from:
        qs = qs.filter(closed_at__date__gte=closed_from)
    if closed_to:
        qs = qs.filter(closed_at__date__lte=closed_to)
    if overdue:
        qs = qs.filter(state__in=OPEN_STATES, due_on__lt=timezone.localdate())
    if supervised:
        qs = qs.filter(supervised=True, state__in=OPEN_STATES)
    if on_time in ("1", "0"):
        qs = qs.filter(on_time=on_time == "1")
    if satisfaction:
        qs = qs.filter(satisfaction__in=satisfaction.split(","))
    return qs.order_by(order, "id")


def _phone_hash(text: str) -> bytes | None:
    try:
        return blind_index("phone", normalise_phone(text))
    except Exception:
        return None


def appeal_queue(*, actor: Any) -> QuerySet[Appeal]:
    """The handler's queue: open appeals where the actor handles, earliest deadline first."""
    return (
        Appeal.objects.visible_to(actor, "appeal.handle")
        .filter(state__in=OPEN_STATES)
        .select_related("subject", "organisation")
        .order_by("due_on", "received_at", "id")
    )


def extension_requests_to_decide(*, actor: Any) -> QuerySet[ExtensionRequest]:
    """Pending extension requests whose approving level lies in the actor's dispatch area,
    the ones whose reply deadline comes first on top."""
    qs = ExtensionRequest.objects.filter(status=ExtensionStatus.PENDING)
    condition = scope_filter(actor, "appeal.dispatch", "approver__path")
    if condition is not None:
        qs = qs.filter(condition)
    return qs.select_related(
        "appeal", "appeal__subject", "appeal__organisation", "approver"
    ).order_by("appeal__reply_due", "requested_at", "id")


def appeal_get_for_actor(*, actor: Any, number: str, capability: str = "appeal.view") -> Appeal:
    return Appeal.objects.select_related(
        "subject",
        "organisation",
        "division",
        "employer",
        "dispatched_by",
        "merged_into",
        "suggested_subject",
    ).get_for_actor(actor, capability, number=number)


def appeals_by_phone(*, actor: Any, phone: str, limit: int = 10) -> list[Appeal]:
    """The caller's earlier appeals (the hotline console shows them as the number is typed)."""
    phone_hash = _phone_hash(phone)
    if phone_hash is None:
        return []
    return list(
        Appeal.objects.visible_to(actor, "appeal.view")
        .filter(phone_hash=phone_hash)
        .select_related("subject")
        .order_by("-received_at")[:limit]
    )


def employers_named(*, actor: Any, name: str, division: str | Division | None) -> list[Employer]:
    """Registered employers of exactly this name in this division that the actor can see
    (offered to the operator instead of registering the same employer twice)."""
    code = division.pk if isinstance(division, Division) else str(division or "").strip()
    name = " ".join((name or "").split())
    if not code or not name:
        return []
    return list(
        Employer.objects.visible_to(actor, "employer.view")
        .filter(name=name, division_id=code)
        .select_related("division")
        .order_by("pk")[:5]
    )


def employer_search(*, actor: Any, q: str, limit: int = 8) -> list[Employer]:
    """Registered employers the operator can see whose name contains ``q`` or whose credit code
    is ``q`` (the intake form's employer search)."""
    q = " ".join((q or "").split())
    if len(q) < 2:
        return []
    return list(
        Employer.objects.visible_to(actor, "employer.view")
        .filter(Q(name__icontains=q) | Q(credit_code=q.upper()))
        .select_related("division")
        .order_by("name", "pk")[:limit]
    )


@dataclass
class Visitor:
    """What the walk-in desk learns from a resident ID number read in: the facts in the number
    (birth date, sex, home division, as the members registry derives them), the name if the
    visitor is a member the staff member can see, and their earlier appeals."""

    number: str = ""
    error: str = ""
    birth_date: datetime.date | None = None
    age: int | None = None
    sex: str = ""
    home_division: str = ""
    name: str = ""
    union: str = ""
    appeals: list[Appeal] = field(default_factory=list)


def visitor_by_id_number(*, actor: Any, raw: str) -> Visitor:
    from django.core.exceptions import ValidationError

    from gonghui.core.validators import parse_resident_id
    from gonghui.members.choices import LIVE_STATES
    from gonghui.members.models import Membership

    try:
        resident = parse_resident_id(raw)
    except ValidationError as error:
        return Visitor(error=error.messages[0])
    today = timezone.localdate()
    birth = resident.birth_date
    visitor = Visitor(
        number=resident.number,
        birth_date=birth,
        age=today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day)),
        sex=resident.sex,
        home_division=str(
            Division.objects.filter(pk=resident.division_code)
            .values_list("name", flat=True)
            .first()
            or resident.division_code
        ),
    )
    id_hash = blind_index("id", resident.number)
    membership = (
        Membership.objects.visible_to(actor, "member.view")
        .filter(person__id_number_hash=id_hash, state__in=LIVE_STATES)
        .select_related("person", "organisation")
        .first()
    )
    if membership is not None:
        visitor.name = membership.person.name
        visitor.union = membership.organisation.name
    visitor.appeals = list(
        Appeal.objects.visible_to(actor, "appeal.view")
        .filter(id_number_hash=id_hash)
        .select_related("subject")
        .order_by("-received_at")[:10]
    )
    return visitor


def walk_in_stations(*, actor: Any, limit: int = 500) -> list[Any]:
    """Open stations the staff member can see, for the walk-in form."""
    from gonghui.stations.choices import OPEN_STATUSES
    from gonghui.stations.models import Station

    return list(
        Station.objects.visible_to(actor, "station.view")
        .filter(status__in=OPEN_STATUSES)
        .order_by("division_id", "name")
        .only("pk", "name", "code", "organisation_id")[:limit]
    )


def appeal_track(*, number: str, phone: str) -> Appeal | None:
    """The worker's own appeal: the case number and the phone must both match."""
    phone_hash = _phone_hash(phone)
    if phone_hash is None or not number:
        return None
    return (
        Appeal.objects.select_related("subject", "organisation")
        .filter(number=number.strip().upper(), phone_hash=phone_hash)
        .first()
    )


def public_events(appeal: Appeal) -> QuerySet[AppealEvent]:
    return appeal.events.filter(public=True).order_by("created_at", "id")


def training_examples(*, limit: int = 5000) -> list[tuple[str, str]]:
    """Appeals whose subject staff confirmed, newest first: training data for the classifier."""
    rows = (
        Appeal.objects.filter(subject_confirmed=True)
        .exclude(state=State.MERGED)
        .order_by("-id")
        .values_list("facts", "demand", "subject__code")[:limit]
    )
    return [(f"{facts} {demand}".strip(), code) for facts, demand, code in rows]


def unread_alerts(*, actor: Any) -> QuerySet[AppealAlert]:
    return AppealAlert.objects.filter(user=actor, read_at__isnull=True).select_related("appeal")


# --- KPIs ------------------------------------------------------------------------------------


@dataclass
class Kpis:
    received: int = 0
    closed: int = 0
    closed_on_time: int = 0
    called_back: int = 0
    satisfied: int = 0
    avg_days_to_close: float | None = None
    wages_recovered: Decimal = Decimal("0")
    overdue: int = 0
    subjects: list[dict[str, Any]] = field(default_factory=list)
    months: list[dict[str, Any]] = field(default_factory=list)

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return round(100.0 * part / whole, 1) if whole else None

    @property
    def on_time_rate(self) -> float | None:
        return self._rate(self.closed_on_time, self.closed)

    @property
    def callback_rate(self) -> float | None:
        return self._rate(self.called_back, self.closed)

    @property
    def satisfaction_rate(self) -> float | None:
        return self._rate(self.satisfied, self.called_back)


def _plus(column: str) -> Func:
    """``+column``: the same value, but SQLite's planner will not pick that column's index."""
    return Func(F(column), template="(+%(expressions)s)", output_field=IntegerField())


def kpis(*, actor: Any, org: Organisation, start: datetime.date, end: datetime.date) -> Kpis:
    """Leadership figures of ``org``'s subtree for appeals received in [start, end].

    Closed = closed (办结) among them; on time = replied by the deadline; callback rate = closed
    appeals with a callback result that reached the worker; satisfaction = satisfied or basically
    satisfied among those reached. Unreachable callbacks count in neither.
    """
    # The subtree as a list of organisation ids (one small subquery) instead of a join per row,
    # and the period on the local receipt day, so the covering index answers the aggregates.
    organisations = (
        Organisation.objects.visible_to(actor, "appeal.view")
        .filter(subtree_q("path", org.path))
        .values("pk")
    )
    # "+organisation_id" keeps SQLite's planner (no statistics) from probing the organisation
    # index once per union; the range on received_on then walks the covering index.
    base = (
        Appeal.objects.alias(org_id=_plus("organisation_id"))
        .filter(org_id__in=organisations)
        .filter(received_on__gte=start, received_on__lte=end)
        .exclude(state=State.MERGED)
    )
    reached = [Satisfaction.SATISFIED, Satisfaction.BASIC, Satisfaction.UNSATISFIED]
    closed = Q(state=State.CLOSED)
    # Per day in the covering index's order (no sort), folded in Python into the totals and the
    # months; a second pass counts per subject. No join and no string function per row.
    groups = (
        base.values("received_on")
        .annotate(
            received=Count("id"),
            closed=Count("id", filter=closed),
            closed_on_time=Count("id", filter=closed & Q(on_time=True)),
            called_back=Count("id", filter=closed & Q(satisfaction__in=reached)),
            satisfied=Count(
                "id",
                filter=closed & Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASIC]),
            ),
            days=Sum("working_days_to_close", filter=closed),
            timed=Count("working_days_to_close", filter=closed),
            wages=Sum("wages_recovered"),
            overdue=Count("id", filter=Q(state__in=OPEN_STATES, due_on__lt=timezone.localdate())),
        )
        .order_by()
    )
    result = Kpis()
    months: dict[str, dict[str, Any]] = {}
    days = timed = 0
    for row in groups:
        for name in ("received", "closed", "closed_on_time", "called_back", "satisfied", "overdue"):
            setattr(result, name, getattr(result, name) + row[name])
        days += row["days"] or 0
        timed += row["timed"]
        result.wages_recovered += row["wages"] or Decimal("0")
        key = row["received_on"].strftime("%Y-%m")
        month = months.setdefault(key, {"month": key, "received": 0, "closed": 0})
        month["received"] += row["received"]
        month["closed"] += row["closed"]
    result.avg_days_to_close = round(days / timed, 1) if timed else None
    subjects = {
        pk: (code, name) for pk, code, name in Subject.objects.values_list("pk", "code", "name")
    }
    result.subjects = sorted(
        (
            {"subject__code": subjects[pk][0], "subject__name": subjects[pk][1], "n": n}
            for pk, n in base.annotate(subj=_plus("subject_id"))
            .values_list("subj")
            .annotate(n=Count("id"))
            .order_by()
            .values_list("subj", "n")
        ),
        key=lambda row: (-row["n"], row["subject__code"]),
    )
    result.months = [months[key] for key in sorted(months)]
    return result


def overdue_list(*, actor: Any, org: Organisation, limit: int = 20) -> list[Appeal]:
    return list(
        Appeal.objects.visible_to(actor, "appeal.view")
        .filter(subtree_q("organisation__path", org.path))
        .filter(state__in=OPEN_STATES, due_on__lt=timezone.localdate())
        .select_related("organisation", "subject")
        .order_by("due_on", "id")[:limit]
    )
