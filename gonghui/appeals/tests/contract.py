"""Permission-contract entries of the appeals app (see tests/test_permission_contract.py)."""

from __future__ import annotations

from gonghui.appeals.tests.conftest import intake_data


def _appeal(cast, org):  # type: ignore[no-untyped-def]
    """An appeal taken by the hotline and dispatched to ``org``."""
    from gonghui.appeals import services

    appeal = services.appeal_intake(
        actor=cast.hotline, channel="phone", data=intake_data(division=org.division_id)
    )
    return services.appeal_dispatch(actor=cast.hotline, appeal=appeal, organisation=org)


def _number(cast, org):  # type: ignore[no-untyped-def]
    return {"number": _appeal(cast, org).number}


def _alert(cast, org):  # type: ignore[no-untyped-def]
    """Inside: an alert of the acting user (yc_staff); outside: somebody else's."""
    from gonghui.appeals.models import AppealAlert

    user = cast.yc_staff if org.path.startswith(cast.yinchuan.path) else cast.yz_staff
    alert = AppealAlert.objects.create(user=user, appeal=_appeal(cast, org), message="test")
    return {"alert_id": alert.pk}


def _extension_request(cast, org):  # type: ignore[no-untyped-def]
    """A pending extension request of an appeal handled by ``org``."""
    from gonghui.appeals.models import ExtensionRequest

    return ExtensionRequest.objects.create(
        appeal=_appeal(cast, org), approver=cast.region, days=3, reason="test"
    )


SCOPED = {
    "appeals.Appeal": ("appeal.view", _appeal),
    "appeals.ExtensionRequest": ("appeal.view", _extension_request),
}
URLS = {
    "appeals:detail": ("appeal.view", _number),
    "appeals:dispatch": ("appeal.dispatch", _number),
    "appeals:act": ("appeal.handle", lambda cast, org: {**_number(cast, org), "action": "sign"}),
    "appeals:alert_read": ("appeal.view", _alert),
}
API = {
    f"/api/v1/appeals/{{number}}{suffix}": _number
    for suffix in (
        "",
        "/dispatch",
        "/sign",
        "/start",
        "/reply",
        "/return",
        "/extension-request",
        "/extension-approve",
        "/extension-reject",
        "/callback",
        "/close",
        "/merge",
        "/note",
    )
}


def _dispatch_to_other_county(cast):  # type: ignore[no-untyped-def]
    from gonghui.appeals import services

    appeal = _appeal(cast, cast.xingqing)
    services.appeal_dispatch(actor=cast.xq_staff, appeal=appeal, organisation=cast.yuanzhou)


def _appeals_state(cast):  # type: ignore[no-untyped-def]
    from gonghui.appeals.models import Appeal

    return list(Appeal.objects.order_by("pk").values("pk", "organisation_id", "state"))


ESCAPES = [(_dispatch_to_other_county, _appeals_state)]
