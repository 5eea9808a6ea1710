"""Helpers shared by the appeal services: events, time limits, where appeals start."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from gonghui.accounts.scoping import actor_can, scope_paths
from gonghui.appeals import rules
from gonghui.appeals.models import (
    Appeal,
    AppealEvent,
    SlaPolicy,
    Subject,
)
from gonghui.core.inserts import insert
from gonghui.core.models import Division
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Organisation

logger = logging.getLogger("gonghui.appeals")

PII_FIELDS = frozenset({"phone", "id_number"})


def _conflict_message() -> str:
    return _("Another user has just changed this appeal. Reload the page and try again.")


def number_prefix() -> str:
    return getattr(settings, "GONGHUI_APPEAL_NUMBER_PREFIX", "NX")


def _actor_name(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    return actor.full_name or actor.username


def _event(appeal: Appeal, kind: str, **fields: Any) -> AppealEvent:
    """Append an event to the appeal's timeline (``fields`` as for ``_event_row``)."""
    return insert(_event_row(appeal, kind, **fields))


def _event_row(
    appeal: Appeal,
    kind: str,
    *,
    actor: Any = None,
    message: str = "",
    public: bool = False,
    from_state: str = "",
    to_state: str = "",
    actor_name: str | None = None,
) -> AppealEvent:
    """The timeline event ``_event`` appends, not yet stored."""
    return AppealEvent(
        appeal=appeal,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=_actor_name(actor) if actor_name is None else actor_name,
        organisation_name=appeal.organisation.name if appeal.organisation_id else "",
        message=message,
        public=public,
        from_state=from_state,
        to_state=to_state,
    )


# Reference data read on every intake (subjects, time limits, where appeals start) changes a few
# times a year; each process re-reads it at most once a minute, like the working-day calendar,
# so an edit in the admin is seen everywhere within a minute without a restart.
_REFERENCE_TTL_SECONDS = 60.0
_reference: dict[str, Any] = {"loaded_at": -_REFERENCE_TTL_SECONDS}


def clear_reference_cache() -> None:
    """Forget cached reference data (after an edit in a test, or a flushed test database)."""
    _reference.clear()
    _reference["loaded_at"] = -_REFERENCE_TTL_SECONDS


def _cached() -> dict[str, Any]:
    now = time.monotonic()
    if now - _reference["loaded_at"] >= _REFERENCE_TTL_SECONDS:
        clear_reference_cache()
        _reference["subjects"] = {s.code: s for s in Subject.objects.all()}
        _reference["sla"] = {
            (p.request_type, p.complexity): (p.sign_days, p.reply_days)
            for p in SlaPolicy.objects.all()
        }
        _reference["orgs"] = {}
        _reference["loaded_at"] = now
    return _reference


# The classifier learns from the corpus plus the appeals whose subject staff confirmed; each
# process retrains at most every ten minutes. Only the first model is trained on the request
# that needs it; later ones are trained in a background thread while requests keep using the
# current model, so no operator waits a second or two for a retraining every ten minutes.
_MODEL_TTL_SECONDS = 600.0
_model: dict[str, Any] = {"loaded_at": -_MODEL_TTL_SECONDS, "model": None}
_retraining = threading.Lock()


def _train() -> Any:
    from gonghui.appeals.classify import default_model
    from gonghui.appeals.selectors import training_examples

    return default_model(extra=training_examples())


def _retrain_in_background() -> None:
    from django.db import connection

    try:
        _model["model"], _model["loaded_at"] = _train(), time.monotonic()
    except Exception:
        logger.exception("retraining the appeal classifier failed; the current model stays")
    finally:
        connection.close()  # this thread's own database connection
        _retraining.release()


def classifier() -> Any:
    """The subject classifier with the confirmed appeals as extra training data."""
    if _model["model"] is None:
        _model["model"], _model["loaded_at"] = _train(), time.monotonic()
    elif time.monotonic() - _model["loaded_at"] >= _MODEL_TTL_SECONDS and _retraining.acquire(
        blocking=False
    ):
        _model["loaded_at"] = time.monotonic()  # one retraining at a time, then wait a TTL
        threading.Thread(
            target=_retrain_in_background, name="classifier-retrain", daemon=True
        ).start()
    return _model["model"]


def forget_classifier() -> None:
    _model["model"] = None


def subject_by_code(code: str, *, active_only: bool = False) -> Subject | None:
    subject = _cached()["subjects"].get(code)
    if subject is None or (active_only and not subject.active):
        return None
    return subject


# Case numbers come from the locked counter (core.counters) in blocks: a process reserves
# GONGHUI_APPEAL_NUMBER_BLOCK numbers in one short transaction of its own and hands them out, so
# intakes do not queue on the counter row until their commit. Numbers stay unique and readable;
# numbers left in a block when a process stops are gaps, which the numbering tolerates, and
# two app servers' numbers interleave by at most one block.
_numbers: dict[str, list[int]] = {}
_numbers_lock = threading.Lock()


def take_case_number(year: int) -> str:
    from gonghui.core.counters import reserve_block

    prefix = number_prefix()
    key = f"appeal:{prefix}{year}"
    block = max(1, int(getattr(settings, "GONGHUI_APPEAL_NUMBER_BLOCK", 20)))
    with _numbers_lock:
        pool = _numbers.get(key)
        if pool is None or pool[0] > pool[1]:
            first = reserve_block(key, block)
            pool = _numbers[key] = [first, first + block - 1]
        number = pool[0]
        pool[0] += 1
    return f"{prefix}{year}-{number:06d}"


def forget_case_numbers() -> None:
    """Drop the reserved blocks (tests: the counter rows rolled back with the test)."""
    with _numbers_lock:
        _numbers.clear()


def division_by_code(code: str) -> Division | None:
    divisions = _cached().setdefault("divisions", {})
    if code not in divisions:
        divisions[code] = Division.objects.filter(pk=code).first()
    return divisions[code]


def sla_days(request_type: str, complexity: str) -> tuple[int, int]:
    """(sign days, reply days) from the editable policy table, else the platform's defaults."""
    policy = _cached()["sla"].get((request_type, complexity))
    if policy:
        return policy
    return 1, rules.DEFAULT_REPLY_DAYS.get(request_type, 15)


def _organisation(key: str, lookup: Any) -> Organisation | None:
    orgs = _cached()["orgs"]
    if key not in orgs:
        orgs[key] = lookup()
    return orgs[key]


def root_organisation() -> Organisation:
    """The regional federation that runs the 12351 centre and receives H5 appeals."""
    org = _organisation(
        "root",
        lambda: (
            Organisation.objects.filter(
                kind=OrgKind.REGION_FEDERATION, division_id=settings.GONGHUI_REGION_CODE
            ).first()
            or Organisation.objects.filter(parent__isnull=True).order_by("path").first()
        ),
    )
    if org is None:
        raise ValidationError(_("No regional federation is set up to receive appeals."))
    return org


def intake_organisation(actor: Any) -> Organisation:
    """Where an appeal entered by ``actor`` starts: the highest level where they take appeals."""
    paths = scope_paths(actor, "appeal.intake")
    if paths is None:
        return root_organisation()
    if not paths:
        raise Http404
    path = min(paths, key=len)
    org = _organisation(f"path:{path}", lambda: Organisation.objects.filter(path=path).first())
    if org is None:
        raise Http404
    return org


def _require(actor: Any, capability: str, appeal: Appeal) -> None:
    """Outside the actor's scope an appeal does not exist (404, never 403)."""
    if not actor_can(actor, capability, appeal.organisation.path):
        raise Http404
