"""Flags and escalations of the time limits (issue 4 "Time limits"), run by appeals_check_sla.

Idempotent and safe to run twice at once: every change is a conditional UPDATE that claims the
row (``flag`` or ``supervised`` still at its old value), and the reminder or supervision event is
written only by the run whose UPDATE claimed it.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts.models import RoleAssignment
from gonghui.accounts.roles import roles_with
from gonghui.appeals import rules
from gonghui.appeals.choices import OPEN_STATES, EventKind, Flag
from gonghui.appeals.models import Appeal, AppealAlert, AppealEvent
from gonghui.core.workdays import add_working_days, working_days_between

logger = logging.getLogger("gonghui.appeals")


@dataclass
class SlaResult:
    yellow: int = 0
    red: int = 0
    supervised: int = 0


def _open() -> object:
    return Appeal.objects.filter(state__in=OPEN_STATES, due_on__isnull=False)


def claim_red(appeal_id: int, today: datetime.date) -> bool:
    """Turn one overdue appeal red and write its reminder (催办); False if another run did."""
    with transaction.atomic():
        claimed = Appeal.objects.filter(
            pk=appeal_id,
            state__in=OPEN_STATES,
            due_on__lt=today,
            flag__in=[Flag.NONE, Flag.YELLOW],
        ).update(flag=Flag.RED)
        if not claimed:
            return False
        appeal = Appeal.objects.select_related("organisation").get(pk=appeal_id)
        AppealEvent.objects.create(
            appeal=appeal,
            kind=EventKind.REMINDER,
            organisation_name=appeal.organisation.name,
            message=_("Overdue since %(due)s: automatic reminder to %(org)s.")
            % {"due": appeal.due_on.isoformat(), "org": appeal.organisation.name},
        )
    return True


def claim_supervision(appeal_id: int, cutoff: datetime.date) -> bool:
    """督办: still overdue long after the reminder; the level above is told."""
    with transaction.atomic():
        claimed = Appeal.objects.filter(
            pk=appeal_id, state__in=OPEN_STATES, due_on__lte=cutoff, supervised=False
        ).update(supervised=True, flag=Flag.RED)
        if not claimed:
            return False
        appeal = Appeal.objects.select_related("organisation__parent").get(pk=appeal_id)
        above = appeal.organisation.parent or appeal.organisation
        message = _("Supervised by %(org)s: overdue since %(due)s.") % {
            "org": above.name,
            "due": appeal.due_on.isoformat(),
        }
        AppealEvent.objects.create(
            appeal=appeal,
            kind=EventKind.SUPERVISION,
            organisation_name=above.name,
            message=message,
        )
        users = RoleAssignment.objects.filter(
            organisation=above, role__in=roles_with("appeal.supervise")
        ).values_list("user_id", flat=True)
        AppealAlert.objects.bulk_create(
            [AppealAlert(user_id=u, appeal=appeal, message=message[:200]) for u in set(users)],
            ignore_conflicts=True,
        )
    return True


def check_sla(today: datetime.date | None = None) -> SlaResult:
    today = today or timezone.localdate()
    result = SlaResult()
    horizon = rules.yellow_horizon(today, add_working_days)
    result.yellow = (
        _open()
        .filter(due_on__gte=today, due_on__lte=horizon, flag=Flag.NONE)
        .update(flag=Flag.YELLOW)
    )
    overdue = list(
        _open()
        .filter(due_on__lt=today, flag__in=[Flag.NONE, Flag.YELLOW])
        .values_list("pk", flat=True)
    )
    result.red = sum(claim_red(pk, today) for pk in overdue)
    cutoff = rules.supervision_cutoff(today, working_days_between)
    late = list(_open().filter(due_on__lte=cutoff, supervised=False).values_list("pk", flat=True))
    result.supervised = sum(claim_supervision(pk, cutoff) for pk in late)
    logger.info(
        "appeals SLA %s: %d yellow, %d red, %d supervised",
        today,
        result.yellow,
        result.red,
        result.supervised,
    )
    return result
