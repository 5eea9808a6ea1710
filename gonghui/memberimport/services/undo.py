"""Undo of an applied batch, within the undo window: exactly what it created, nothing else."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import CASCADE, SET_NULL, Exists, OuterRef, ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import Conflict
from gonghui.core.models import ChangeRecord
from gonghui.memberimport.models import ImportBatch, ImportStatus
from gonghui.memberimport.services.common import chunked, require, undo_days
from gonghui.members.choices import EventKind, MembershipState
from gonghui.members.models import Membership, MembershipEvent, Person
from gonghui.orgs.models import Employer


@transaction.atomic
def batch_undo(*, actor: Any, batch: ImportBatch) -> ImportBatch:
    """Remove exactly what the batch created (memberships, their events, the people it
    registered, employers it registered that nothing else uses), within the undo window.

    Refused when any of its memberships changed since (a transfer, a status change, an edit):
    undoing would then destroy someone's later work.
    """
    batch = ImportBatch.objects.select_for_update().select_related("organisation").get(pk=batch.pk)
    require(actor, batch.organisation.path)
    if batch.status != ImportStatus.APPLIED or batch.applied_at is None:
        raise Conflict(_("Only an imported batch can be undone."), code="not_applied")
    if timezone.now() - batch.applied_at > datetime.timedelta(days=undo_days()):
        raise Conflict(
            _("A batch can only be undone within %(days)d days of its import.")
            % {"days": undo_days()},
            code="undo_expired",
        )
    imported = sum(last - first + 1 for first, last in batch.membership_ids)
    changed = _changed_memberships(batch, imported)
    if changed:
        raise Conflict(
            _(
                "This batch cannot be undone: %(count)d of its memberships changed since the "
                "import (for example card %(card)s). Handle those members one by one instead."
            )
            % {"count": len(changed), "card": changed[0]},
            code="batch_changed",
        )
    for runs in chunked(batch.membership_ids, RUNS_PER_QUERY):
        _delete_rows(Membership, _in_runs(runs))
    removed_people = 0
    without_membership = Q(~Exists(Membership.objects.filter(person=OuterRef("pk"))))
    for runs in chunked(batch.person_ids, RUNS_PER_QUERY):
        # People who joined elsewhere since the import keep their registry entry.
        removed_people += _delete_rows(Person, _in_runs(runs) & without_membership)
    removed_employers = 0
    for pk in batch.created_employer_ids:
        try:
            removed_employers += (
                Employer.objects.filter(pk=pk, memberships__isnull=True)
                .delete()[1]
                .get("orgs.Employer", 0)
            )
        except ProtectedError:
            continue  # something else uses it now: keep it
    batch.status = ImportStatus.UNDONE
    batch.undone_at = timezone.now()
    batch.undone_by = actor if getattr(actor, "pk", None) else None
    batch.save(update_fields=["status", "undone_at", "undone_by"])
    audit.record(
        actor=actor,
        action=ChangeRecord.Action.DELETE,
        verb="member_import_undo",
        obj=batch,
        before={"imported": imported, "file_sha256": batch.file_sha256},
        after={
            "removed_memberships": imported,
            "removed_people": removed_people,
            "removed_employers": removed_employers,
        },
        organisation_path=batch.organisation.path,
    )
    return batch


# A batch's ids are a few [first, last] runs (ids are reserved a chunk at a time): one range test
# per run instead of 100k ids as parameters. SQLite nests OR terms as deep as they are many, and
# refuses an expression deeper than 1,000.
RUNS_PER_QUERY = 200


def _in_runs(runs: Sequence[Sequence[int]]) -> Q:
    """Rows whose id lies in one of the [first, last] ``runs``."""
    condition = Q(pk__in=[])  # no runs: no rows
    for first, last in runs:
        condition |= Q(pk__range=(first, last))
    return condition


def _delete_rows(model: type[Any], where: Q) -> int:
    """Delete the rows of ``model`` matching ``where`` in a few statements instead of Django's
    collector (which loads every related row first: minutes for 100k memberships); returns how
    many. Rows pointing here with CASCADE go first, SET_NULL ones are cleared; anything else
    that still points here (PROTECT) makes the database's foreign-key check fail the whole
    undo, which is the rule: touch nothing else.
    """
    rows = model._base_manager.filter(where)
    for relation in model._meta.get_fields(include_hidden=True):  # hidden: related_name="+"
        if not (relation.auto_created and not relation.concrete) or relation.many_to_many:
            continue
        related = relation.related_model._base_manager.filter(
            **{f"{relation.field.name}__in": rows.values("pk")}
        )
        if relation.on_delete is CASCADE:
            related.delete()
        elif relation.on_delete is SET_NULL:
            related.update(**{relation.field.name: None})
    return int(rows._raw_delete(model._base_manager.db))


def _changed_memberships(batch: ImportBatch, imported: int) -> list[str]:
    """Card numbers of the batch's memberships that changed after the import (state, union,
    any edit, any timeline entry besides joining), or "?" when some of the ``imported`` are
    gone."""
    assert batch.applied_at is not None
    changed: set[str] = set()
    present = 0
    for runs in chunked(batch.membership_ids, RUNS_PER_QUERY):
        rows = Membership.objects.filter(_in_runs(runs))
        present += rows.count()
        changed.update(
            card or "?"
            for card in rows.filter(
                ~Q(state=MembershipState.ACTIVE)
                | ~Q(organisation_id=batch.organisation_id)
                | Q(updated_at__gt=batch.applied_at)
                | Exists(
                    MembershipEvent.objects.filter(membership=OuterRef("pk")).exclude(
                        kind=EventKind.JOINED
                    )
                )
            ).values_list("card_number", flat=True)[:10]
        )
    if present != imported:
        changed.add("?")
    return sorted(changed)
