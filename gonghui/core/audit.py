"""Writing the auditors' change record (DESIGN §4).

Services call ``record`` inside their transaction. The request id and client address come from
``RequestIdMiddleware`` through a context variable, so services need not pass the request along;
commands and tasks run with an empty request id.
"""

from __future__ import annotations

import contextvars
import datetime
import decimal
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import models

from gonghui.core.inserts import insert
from gonghui.core.models import ChangeRecord


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip_address: str | None


_context: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "gonghui_request", default=None
)


def bind_request(ip_address: str | None) -> contextvars.Token:
    return _context.set(RequestContext(uuid.uuid4().hex, ip_address))


def unbind_request(token: contextvars.Token) -> None:
    _context.reset(token)


def current_request_id() -> str:
    context = _context.get()
    return context.request_id if context else ""


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


# Bookkeeping columns every row has; the record's own time says when the change happened.
_TIMESTAMPS = frozenset({"created_at", "updated_at"})


def snapshot(
    obj: models.Model, fields: list[str] | None = None, *, masked: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """The concrete field values of ``obj`` as JSON-friendly data, for before/after records.

    Personal-data fields named in ``masked`` are written as "***" so the audit trail itself
    does not become a second copy of the plaintext.
    """
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if (fields is not None and field.name not in fields) or field.name in _TIMESTAMPS:
            continue
        if field.name in masked or field.name.endswith("_hash"):
            data[field.name] = "***"
            continue
        data[field.attname] = _jsonable(getattr(obj, field.attname))
    return data


def record(**fields: Any) -> ChangeRecord:
    """Append one change record (``fields`` as for ``change_record``); call it inside the
    service's transaction."""
    return insert(change_record(**fields))


def change_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    verb: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    organisation_path: str = "",
) -> ChangeRecord:
    """The change record ``record`` appends, not yet stored: for a service that stores it
    together with the changed row (``core.inserts.insert_with``)."""
    context = _context.get()
    user = actor if getattr(actor, "is_authenticated", False) else None
    return ChangeRecord(
        actor=user,
        actor_name=getattr(user, "username", "") or "",
        request_id=context.request_id if context else "",
        ip_address=context.ip_address if context else None,
        action=action,
        verb=verb,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        organisation_path=organisation_path,
        before=before,
        after=after,
    )


def changed_fields(
    before: dict[str, Any], after: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Keep only the keys whose values differ, so an update record shows what changed."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
