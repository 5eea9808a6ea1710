"""Writes of the organisation tree and the employers. Each opens its transaction, checks the
rule, writes the audit record and re-checks that the result is still inside the actor's scope."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext as _

from gonghui.accounts.scoping import require_scope
from gonghui.core import audit
from gonghui.core.counters import next_number
from gonghui.core.errors import ScopeViolation
from gonghui.core.models import ChangeRecord, Division
from gonghui.core.validators import normalise_uscc
from gonghui.orgs.choices import FEDERATION_KINDS, OrgKind, OrgStatus
from gonghui.orgs.models import Employer, Organisation, path_segment
from gonghui.orgs.rules import allowed_child_kinds, check_union_credit_code
from gonghui.orgs.selectors import local_federation

ORG_FIELDS = (
    "name",
    "short_name",
    "kind",
    "division",
    "credit_code",
    "chair_name",
    "contact_name",
    "contact_phone",
    "address",
    "founded_on",
    "status",
)
EMPLOYER_FIELDS = (
    "name",
    "credit_code",
    "division",
    "address",
    "industry",
    "size",
    "ownership",
    "employee_count",
    "platform_kind",
    "union",
)


def _clean_credit_code(value: str | None, *, field: str = "credit_code") -> str | None:
    if not value:
        return None
    try:
        return normalise_uscc(value)
    except ValidationError as error:
        raise ValidationError({field: error}) from None  # the field keeps its code


def _check_org(data: dict[str, Any], parent: Organisation | None) -> None:
    kind = data["kind"]
    if parent is None and kind != OrgKind.REGION_FEDERATION:
        raise ValidationError(
            {
                "parent": _(
                    "Only a provincial (autonomous region) federation of trade unions may have no parent union."
                )
            }
        )
    if parent is not None and kind not in allowed_child_kinds(parent.kind):
        raise ValidationError(
            {
                "kind": _("A union of this type cannot be set up under “%(parent)s”.")
                % {"parent": parent.name}
            }
        )
    if data.get("credit_code"):
        message = check_union_credit_code(data["credit_code"], kind)
        if message:
            raise ValidationError({"credit_code": message})
    founded = data.get("founded_on")
    if founded and founded > datetime.date.today():
        raise ValidationError({"founded_on": _("The founding date cannot be later than today.")})
    code = data.get("credit_code")
    if code and Organisation.objects.filter(credit_code=code).exclude(pk=data.get("pk")).exists():
        raise ValidationError(
            {"credit_code": _("This unified social credit code is already used by another union.")}
        )


def _new_code(division: Division) -> str:
    return f"{division.code}{next_number(f'org:{division.code}'):05d}"


@transaction.atomic
def organisation_create(*, actor: Any, parent: Organisation | None, **data: Any) -> Organisation:
    """Create a union under ``parent`` (rule: kinds nest as ``rules.allowed_child_kinds``)."""
    if parent is None:
        if not actor.is_superuser:
            raise ScopeViolation(_("Only a platform administrator can create a top-level union."))
    else:
        require_scope(actor, "org.manage", parent.path)
    data["credit_code"] = _clean_credit_code(data.get("credit_code"))
    _check_org(data, parent)
    org = Organisation(parent=parent, code=_new_code(data["division"]), **data)
    org.path = f"tmp-{org.code}"
    org.depth = parent.depth + 1 if parent else 0
    org.save()
    org.path = (parent.path if parent else "") + path_segment(org.pk)
    org.save(update_fields=["path"])
    audit.record(
        actor=actor,
        action=ChangeRecord.Action.CREATE,
        verb="organisation_create",
        obj=org,
        after=audit.snapshot(org),
        organisation_path=org.path,
    )
    return org


@transaction.atomic
def organisation_update(*, actor: Any, organisation: Organisation, **data: Any) -> Organisation:
    """Edit an organisation's own facts (its place in the tree changes only by a move)."""
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    require_scope(actor, "org.manage", org.path)
    before = audit.snapshot(org)
    if "credit_code" in data:
        data["credit_code"] = _clean_credit_code(data["credit_code"])
    merged = {field: getattr(org, field) for field in ORG_FIELDS} | data | {"pk": org.pk}
    _check_org(merged, org.parent)
    for field, value in data.items():
        setattr(org, field, value)
    org.save()
    old, new = audit.changed_fields(before, audit.snapshot(org))
    if new:
        audit.record(
            actor=actor,
            action=ChangeRecord.Action.UPDATE,
            verb="organisation_update",
            obj=org,
            before=old,
            after=new,
            organisation_path=org.path,
        )
    return org


@transaction.atomic
def organisation_move(
    *, actor: Any, organisation: Organisation, new_parent: Organisation
) -> Organisation:
    """Move a whole subtree under ``new_parent``: one UPDATE rewrites every descendant's path.

    The actor must manage both the subtree and the new parent; a union cannot move under itself.
    """
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    new_parent = Organisation.objects.get(pk=new_parent.pk)
    require_scope(actor, "org.manage", org.path)
    require_scope(actor, "org.manage", new_parent.path)
    if org.parent_id is None:
        raise ValidationError({"parent": _("A top-level union cannot be moved.")})
    if new_parent.path.startswith(org.path):
        raise ValidationError(
            {"parent": _("A union cannot be moved under itself or one of the unions below it.")}
        )
    if org.kind not in allowed_child_kinds(new_parent.kind):
        raise ValidationError(
            {
                "parent": _("A union of this type cannot be set up under “%(parent)s”.")
                % {"parent": new_parent.name}
            }
        )
    old_path, old_parent = org.path, org.parent
    new_path = new_parent.path + path_segment(org.pk)
    depth_change = new_parent.depth + 1 - org.depth
    Organisation.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1, Length("path"))),
        depth=F("depth") + depth_change,
    )
    Organisation.objects.filter(pk=org.pk).update(parent=new_parent)
    org.refresh_from_db()
    audit.record(
        actor=actor,
        action=ChangeRecord.Action.UPDATE,
        verb="organisation_move",
        obj=org,
        before={"parent": old_parent.pk if old_parent else None, "path": old_path},
        after={"parent": new_parent.pk, "path": org.path},
        organisation_path=org.path,
    )
    return org


def _responsible_org(employer_union: Organisation | None, division: Division) -> Organisation:
    if employer_union is not None and employer_union.status == OrgStatus.ACTIVE:
        return employer_union
    federation = local_federation(division)
    if federation is None:
        raise ValidationError(
            {
                "division": _(
                    "This division has no county federation of trade unions yet, so the local union cannot be determined."
                )
            }
        )
    return federation


def _check_employer(data: dict[str, Any]) -> None:
    code = data.get("credit_code")
    if code and Employer.objects.filter(credit_code=code).exclude(pk=data.get("pk")).exists():
        raise ValidationError(
            {
                "credit_code": _(
                    "This unified social credit code is already registered to another employer."
                )
            }
        )
    union = data.get("union")
    if union is not None and union.kind in FEDERATION_KINDS:
        raise ValidationError(
            {
                "union": _(
                    "The affiliated union must be a grassroots, joint or sectoral union, not a federation."
                )
            }
        )


@transaction.atomic
def employer_create(*, actor: Any, capability: str = "employer.manage", **data: Any) -> Employer:
    """Register an employer; responsibility goes to its union or, without one, 属地 federation.

    ``capability``: what the actor must hold over the responsible union. Staff who maintain the
    register need ``employer.manage``; another app's service that registers an employer in
    passing (a hotline operator typing a caller's new employer) names its own capability.
    """
    data["credit_code"] = _clean_credit_code(data.get("credit_code"))
    _check_employer(data)
    employer = Employer(**data)
    employer.organisation = _responsible_org(employer.union, employer.division)
    require_scope(actor, capability, employer.organisation.path)
    employer.save()
    audit.record(
        actor=actor,
        action=ChangeRecord.Action.CREATE,
        verb="employer_create",
        obj=employer,
        after=audit.snapshot(employer),
        organisation_path=employer.organisation.path,
    )
    return employer


@transaction.atomic
def employer_update(*, actor: Any, employer: Employer, **data: Any) -> Employer:
    """Edit an employer; the result must stay inside the actor's scope or nothing is saved.

    Staff saving the employer's form have seen its industry, size and ownership, so the save
    clears ``details_pending`` (待完善), even when they keep every value.
    """
    row = Employer.objects.select_for_update().select_related("organisation").get(pk=employer.pk)
    require_scope(actor, "employer.manage", row.organisation.path)
    before = audit.snapshot(row)
    if "credit_code" in data:
        data["credit_code"] = _clean_credit_code(data["credit_code"])
    _check_employer(
        {field: getattr(row, field) for field in EMPLOYER_FIELDS} | data | {"pk": row.pk}
    )
    for field, value in data.items():
        setattr(row, field, value)
    row.details_pending = False
    row.organisation = _responsible_org(row.union, row.division)
    require_scope(actor, "employer.manage", row.organisation.path)
    row.save()
    old, new = audit.changed_fields(before, audit.snapshot(row))
    if new:
        audit.record(
            actor=actor,
            action=ChangeRecord.Action.UPDATE,
            verb="employer_update",
            obj=row,
            before=old,
            after=new,
            organisation_path=row.organisation.path,
        )
    return row
