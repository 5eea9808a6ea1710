"""Reads of the member registry, every one scoped to the actor's part of the tree."""

from __future__ import annotations

import datetime
import operator
import re
from functools import reduce
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Case, Count, Q, QuerySet, When
from django.db.models.functions import Collate, Substr
from django.utils import timezone

from gonghui.accounts.scoping import scope_filter, scope_paths, subtree_q, subtree_upper_bound
from gonghui.core.pii import blind_index
from gonghui.core.validators import normalise_text_code
from gonghui.members.choices import (
    LIVE_STATES,
    NEW_EMPLOYMENT_FORM_OCCUPATIONS,
    ApplicationState,
    TransferState,
)
from gonghui.members.models import JoinApplication, Membership, Person, Transfer
from gonghui.members.rules import CARD_NUMBER_WIDTH, format_card_number, prefix_upper_bound
from gonghui.orgs.choices import OrgStatus
from gonghui.orgs.models import PATH_SEGMENT_WIDTH, Employer, Organisation

_ID_LIKE = re.compile(r"\d{17}[\dX]")
_PHONE_LIKE = re.compile(r"1[3-9]\d{9}")
_DIGITS = re.compile(r"\d{1,20}")
_INITIALS = re.compile(r"[a-z]{1,20}")


def prefix_q(field: str, prefix: str) -> Q:
    """``field`` starts with ``prefix``, as an index range scan on both databases.

    PostgreSQL uses the varchar_pattern_ops index for LIKE 'x%'; SQLite's LIKE is
    case-insensitive and skips the index, so there it is the binary range [prefix, bound).
    """
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__startswith": prefix})
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix_upper_bound(prefix)})


class Search(NamedTuple):
    condition: Q
    ordering: str
    prefix: str = ""  # set for name and initials searches


def search_q(q: str) -> Search:
    """What ``?q=`` means, and the ordering that lets the database walk the matching index:
    an ID number or a phone (exact, through the keyed hash), a card number (exact, with or
    without its leading zeros; card numbers have 10 digits, phones 11), pinyin initials ("zhw") or a name (prefix)."""
    text = q.strip()
    code = normalise_text_code(text)
    if _ID_LIKE.fullmatch(code):
        return Search(Q(person__id_number_hash=blind_index("id", code)), "-pk")
    digits = code.replace("-", "")
    if _PHONE_LIKE.fullmatch(digits):
        return Search(Q(person__phone_hash=blind_index("phone", digits)), "-pk")
    if _DIGITS.fullmatch(digits):
        # Card numbers are printed with their leading zeros but read out without them.
        cards = {digits}
        if len(digits) < CARD_NUMBER_WIDTH:
            cards.add(format_card_number(int(digits)))
        return Search(Q(card_number__in=sorted(cards)), "-pk")
    lowered = text.lower()
    if _INITIALS.fullmatch(lowered):
        field = "person__name_initials"
        return Search(prefix_q(field, lowered), field, lowered)
    return Search(prefix_q("person__name", text), "person__name", text)


# Above this many organisations in scope, SQLite is steered away from the path index (below).
SMALL_SCOPE_ORGS = 300


def _in_organisations(
    qs: QuerySet[Membership],
    actor: Any,
    organisation: Organisation | None,
    *,
    for_count: bool = False,
) -> QuerySet[Membership]:
    """Memberships in the actor's scope (and under ``organisation``), shaped for the planner.

    PostgreSQL's statistics pick the right plan for the usual join on the organisation path.
    SQLite has no range statistics: it always drives the query from the path index, which for a
    city or the region means reading and sorting a million rows to show the first page. For a
    large scope the path test is written as ``substr(path, 1, n) = root``, which no index serves,
    so SQLite walks memberships by id (first page), by the name/initials index (search) or by
    the keyed hash (exact lookups) and checks each row's organisation by primary key.
    """
    roots = _roots(scope_paths(actor, "member.view"), organisation)
    if roots is None:
        return qs
    if not roots:
        return qs.none()
    # Counting a whole scope is the one case where driving from the path index is right.
    if connection.vendor == "sqlite" and not for_count:
        in_scope = Organisation.objects.filter(
            reduce(operator.or_, (subtree_q("path", root) for root in roots))
        )
        if in_scope.count() > SMALL_SCOPE_ORGS:
            condition = Q()
            for index, root in enumerate(roots):
                name = f"_scope_root_{index}"
                qs = qs.alias(**{name: Substr("organisation__path", 1, len(root))})
                condition |= Q(**{name: root})
            return qs.filter(condition)
    return qs.filter(reduce(operator.or_, (subtree_q("organisation__path", r) for r in roots)))


def _roots(actor_roots: list[str] | None, organisation: Organisation | None) -> list[str] | None:
    """Subtree roots to show: the actor's, narrowed to ``organisation``'s subtree if given."""
    if organisation is None:
        return actor_roots
    path = organisation.path
    if actor_roots is None or any(path.startswith(root) for root in actor_roots):
        return [path]
    return [root for root in actor_roots if root.startswith(path)]


def member_list(
    *,
    actor: Any,
    q: str = "",
    organisation: Organisation | None = None,
    occupation: str = "",
    state: str = "",
    join_year: int | None = None,
    new_employment_form: bool = False,
    for_count: bool = False,
) -> QuerySet[Membership]:
    """Memberships the actor may see, searched and filtered; newest first (``for_count``: the
    same rows in the shape the database counts fastest)."""
    qs = _in_organisations(
        Membership.objects.all(), actor, organisation, for_count=for_count and not q.strip()
    )
    ordering = "-pk"
    if q.strip():
        search = search_q(q)
        ordering = search.ordering
        if connection.vendor == "postgresql" and search.prefix:
            # Filter and order on the "C"-collation expression index (migration 0004), so the
            # first page is read from one index even when many names share the prefix.
            qs = qs.alias(_prefix_c=Collate(ordering, "C")).filter(
                _prefix_c__startswith=search.prefix
            )
            ordering = "_prefix_c"
        else:
            qs = qs.filter(search.condition)
    if occupation:
        qs = qs.filter(occupation=occupation)
    if new_employment_form:
        qs = qs.filter(occupation__in=NEW_EMPLOYMENT_FORM_OCCUPATIONS)
    if state == "live":
        qs = qs.filter(state__in=LIVE_STATES)
    elif state:
        qs = qs.filter(state=state)
    if join_year:
        qs = qs.filter(
            joined_on__gte=datetime.date(join_year, 1, 1),
            joined_on__lt=datetime.date(join_year + 1, 1, 1),
        )
    return qs.select_related("person", "organisation", "employer").order_by(ordering)


def filter_organisation(
    *, actor: Any, code: str, capability: str = "member.view"
) -> Organisation | None:
    """The union a form names by code, if the actor holds ``capability`` there (``None`` for
    an unknown code or one outside the actor's scope: the caller answers with a field error)."""
    code = code.strip()
    if not code:
        return None
    return Organisation.objects.visible_to(actor, capability).filter(code=code).first()


def employers_matching(*, actor: Any, text: str) -> list[Employer]:
    """The employers in the actor's scope a typed credit code or exact name stands for: the
    one with that code, else those with that name (at most two: enough to say it is not one)."""
    text = text.strip()
    if not text:
        return []
    qs = Employer.objects.visible_to(actor, "employer.view").select_related("division")
    by_code = list(qs.filter(credit_code=normalise_text_code(text))[:1])
    return by_code or list(qs.filter(name=text).order_by("pk")[:2])


def employer_for_actor(*, actor: Any, pk: int) -> Employer | None:
    """The employer with this id if the actor sees it (employer.view), else ``None`` (the caller
    answers with a field error)."""
    return (
        Employer.objects.visible_to(actor, "employer.view")
        .select_related("union", "organisation", "division")
        .filter(pk=pk)
        .first()
    )


def member_get_for_actor(*, actor: Any, pk: int, capability: str = "member.view") -> Membership:
    """One membership the actor holds ``capability`` over, or 404."""
    return Membership.objects.select_related("person", "organisation", "employer").get_for_actor(
        actor, capability, pk=pk
    )


def upper_unions(organisation: Organisation) -> list[Organisation]:
    """The active unions above ``organisation`` up to the root of the tree (the region's
    federation), nearest first: where a retained membership may be kept (保留会籍)."""
    path, width = organisation.path, PATH_SEGMENT_WIDTH
    above = [path[:end] for end in range(width, len(path), width)]
    return list(
        Organisation.objects.filter(path__in=above, status=OrgStatus.ACTIVE).order_by("-depth")
    )


def member_timeline(membership: Membership) -> QuerySet[Any]:
    return membership.events.select_related("actor").order_by("at", "pk")


def member_history(membership: Membership) -> QuerySet[Membership]:
    """The person's other memberships (earlier ones that ended), for the detail page."""
    return (
        Membership.objects.filter(person_id=membership.person_id)
        .exclude(pk=membership.pk)
        .select_related("organisation")
        .order_by("-joined_on")
    )


def member_count(
    organisation: Organisation,
    *,
    states: tuple[str, ...] = LIVE_STATES,
    on: datetime.date | None = None,
) -> int:
    """Members under an organisation's whole subtree: one range scan of the organisations' paths
    joined to the (organisation, state) index of the memberships."""
    if on is None and connection.vendor == "postgresql":
        # PostgreSQL would hash-join every membership in the country. Instead: the subtree's
        # organisation ids as one array, then one index-only scan of the memberships for those
        # ids — for the live states over the partial index of live memberships (migration 0005),
        # which holds only the entries counted.
        members, orgs = Membership._meta.db_table, Organisation._meta.db_table
        sql = (
            f"SELECT count(*) FROM {members} m"  # noqa: S608 - table names
            f" WHERE m.organisation_id = ANY(ARRAY(SELECT o.id FROM {orgs} o"
            f" WHERE o.path >= %s AND o.path < %s)) AND m.state = ANY(%s)"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                [
                    organisation.path,
                    subtree_upper_bound(organisation.path),
                    [str(state) for state in states],
                ],
            )
            return int(cursor.fetchone()[0])
    qs = Membership.objects.filter(subtree_q("organisation__path", organisation.path))
    if on is None:
        qs = qs.filter(state__in=states)
    else:
        # Registry as it stood on a day: joined by then and not ended before it.
        qs = qs.filter(joined_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
    return qs.count()


def member_counts_by_occupation(organisation: Organisation) -> dict[str, int]:
    rows = (
        Membership.objects.filter(subtree_q("organisation__path", organisation.path))
        .filter(state__in=LIVE_STATES)
        .values("occupation")
        .annotate(n=Count("pk"))
    )
    return {row["occupation"]: row["n"] for row in rows}


def person_by_id_number(number: str) -> Person | None:
    return Person.objects.filter(id_number_hash=blind_index("id", number)).first()


# --- join applications ----------------------------------------------------------------------------
def application_queue(
    *, actor: Any, state: str = ApplicationState.PENDING
) -> QuerySet[JoinApplication]:
    """The review queue: oldest deadline first."""
    qs = JoinApplication.objects.visible_to(actor, "member.review").select_related(
        "organisation", "employer", "forwarded_from"
    )
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("due_on", "pk")


def application_get_for_actor(*, actor: Any, pk: int) -> JoinApplication:
    return JoinApplication.objects.select_related(
        "organisation", "employer", "forwarded_from"
    ).get_for_actor(actor, "member.review", pk=pk)


def _region_trees(actor: Any) -> Q:
    """The whole trees (from their roots) of the unions where the actor reviews: where a
    misrouted application may be forwarded, inside the actor's scope or not."""
    paths = scope_paths(actor, "member.review")
    if paths is None:
        return Q()
    roots = {path[:PATH_SEGMENT_WIDTH] for path in paths}
    if not roots:
        return Q(pk__in=[])
    return reduce(operator.or_, (subtree_q("path", root) for root in sorted(roots)))


def forward_target(*, actor: Any, text: str) -> Organisation | None:
    """The union a forwarding form names: by its organisation code, else by its exact name when
    one union has it; any status (the service refuses an inactive one with its reason).
    ``None``: nothing in the actor's region tree (the caller answers with a field error)."""
    text = text.strip()
    if not text:
        return None
    qs = Organisation.objects.filter(_region_trees(actor))
    by_code = qs.filter(code=text).first()
    if by_code is not None:
        return by_code
    by_name = list(qs.filter(name=text)[:2])
    return by_name[0] if len(by_name) == 1 else None


FORWARD_SUGGESTIONS = 10


def forward_suggestions(*, actor: Any, text: str) -> list[Organisation]:
    """Active unions of the actor's region tree whose name contains ``text`` or whose code
    starts with it, for the forwarding form's lookup."""
    text = text.strip()
    if len(text) < 2:
        return []
    return list(
        Organisation.objects.filter(_region_trees(actor), status=OrgStatus.ACTIVE)
        .filter(Q(name__contains=text) | Q(code__startswith=text))
        .only("pk", "code", "name", "path")
        .order_by("path")[:FORWARD_SUGGESTIONS]
    )


def application_status(*, id_number: str, phone: str) -> list[JoinApplication]:
    """A worker's applications, found only by ID number and phone together (no account); an
    approved one brings its membership (the card number is shown to the worker)."""
    return list(
        JoinApplication.objects.filter(
            id_number_hash=blind_index("id", id_number), phone_hash=blind_index("phone", phone)
        )
        .select_related("organisation", "membership", "forwarded_from")
        .order_by("-created_at")[:5]
    )


# --- transfers ------------------------------------------------------------------------------------
def transfer_list(*, actor: Any, state: str = "", direction: str = "") -> QuerySet[Transfer]:
    """Transfers into or out of the actor's unions (``direction`` "in", "out" or both)."""
    incoming = scope_filter(actor, "member.transfer", "to_organisation__path")
    outgoing = scope_filter(actor, "member.transfer", "from_organisation__path")
    qs = Transfer.objects.all()
    if direction == "in":
        condition = incoming
    elif direction == "out":
        condition = outgoing
    else:
        condition = None if incoming is None or outgoing is None else incoming | outgoing
    if condition is not None:
        qs = qs.filter(condition)
    if state:
        qs = qs.filter(state=state)
    return qs.select_related(
        "membership__person", "from_organisation", "to_organisation", "from_employer", "to_employer"
    ).order_by("-requested_at", "-pk")


def transfer_status(*, id_number: str, phone: str) -> Transfer | None:
    """A member's pending transfer, else the latest one, found only by ID number and phone
    together (no account), for the member themself: one query."""
    return (
        Transfer.objects.filter(
            membership__person__id_number_hash=blind_index("id", id_number),
            membership__person__phone_hash=blind_index("phone", phone),
        )
        .select_related("from_organisation", "to_organisation")
        .order_by(
            Case(When(state=TransferState.PENDING, then=0), default=1), "-requested_at", "-pk"
        )
        .first()
    )


def transfer_get_for_actor(*, actor: Any, pk: int) -> Transfer:
    """A transfer the actor is a party to (old or new union), or 404."""
    try:
        return transfer_list(actor=actor).get(pk=pk)
    except Transfer.DoesNotExist:
        from django.http import Http404

        raise Http404 from None


# --- to-do counts ---------------------------------------------------------------------------------
class Backlog(NamedTuple):
    """Records waiting for the actor, and how many of them are past their day."""

    waiting: int
    overdue: int


def _backlog(qs: QuerySet[Any], overdue: Q) -> Backlog:
    row = qs.aggregate(waiting=Count("pk"), overdue=Count("pk", filter=overdue))
    return Backlog(row["waiting"] or 0, row["overdue"] or 0)


def applications_backlog(*, actor: Any, today: datetime.date | None = None) -> Backlog:
    """Join applications awaiting the actor's review; overdue: past the 3-working-day deadline.
    One query."""
    today = today or timezone.localdate()
    qs = JoinApplication.objects.visible_to(actor, "member.review").filter(
        state=ApplicationState.PENDING
    )
    return _backlog(qs, Q(due_on__lt=today))


def transfers_backlog(*, actor: Any, today: datetime.date | None = None) -> Backlog:
    """Transfers awaiting the actor's confirmation: requests to move members out of the actor's
    unions, which the old union confirms or rejects. Overdue: the day it completes by itself
    has come (``members_complete_transfers`` completes it at its next run). One query."""
    today = today or timezone.localdate()
    qs = Transfer.objects.filter(state=TransferState.PENDING)
    condition = scope_filter(actor, "member.transfer", "from_organisation__path")
    if condition is not None:
        qs = qs.filter(condition)
    return _backlog(qs, Q(auto_complete_on__lte=today))
