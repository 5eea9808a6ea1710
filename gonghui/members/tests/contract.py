"""Permission-contract entries of the members app (see tests/test_permission_contract.py)."""

from __future__ import annotations

from gonghui.members.tests.factories import make_id, make_member


def _membership(cast, org):  # type: ignore[no-untyped-def]
    return make_member(org)


def _application(cast, org):  # type: ignore[no-untyped-def]
    from gonghui.members.models import JoinApplication
    from gonghui.members.services import join_application_submit
    from gonghui.testing import make_employer

    employer = make_employer(f"{org.name}申请单位", org)
    application = join_application_submit(
        name="李明",
        id_number=make_id(),
        phone="13912345678",
        occupation="courier",
        employer=employer,
    )
    assert isinstance(application, JoinApplication)
    return application


def _transfer(cast, org):  # type: ignore[no-untyped-def]
    """A transfer into ``org`` from a member of the other county."""
    from gonghui.members.models import Transfer
    from gonghui.members.services import transfer_request

    # Both ends outside the other city, so a party of neither union sees nothing.
    source = cast.yz_union if org.path.startswith(cast.yinchuan.path) else cast.guyuan
    membership = make_member(source)
    transfer = transfer_request(
        actor=None, membership=membership, to_organisation=org, origin="member"
    )
    assert isinstance(transfer, Transfer)
    return transfer


SCOPED = {
    "members.Membership": ("member.view", _membership),
    "members.JoinApplication": ("member.review", _application),
    "members.Transfer": ("member.transfer", _transfer),
}
URLS = {
    "members:member_detail": ("member.view", lambda cast, org: {"pk": _membership(cast, org).pk}),
    "members:member_reveal": (
        "pii.reveal",
        lambda cast, org: {"pk": _membership(cast, org).pk, "field": "phone"},
    ),
    "members:member_change": ("member.manage", lambda cast, org: {"pk": _membership(cast, org).pk}),
    "members:member_update": ("member.manage", lambda cast, org: {"pk": _membership(cast, org).pk}),
    "members:member_reactivate": (
        "member.manage",
        lambda cast, org: {"pk": _membership(cast, org).pk},
    ),
    "members:application_detail": (
        "member.review",
        lambda cast, org: {"pk": _application(cast, org).pk},
    ),
    "members:application_reveal": (
        "pii.reveal",
        lambda cast, org: {"pk": _application(cast, org).pk, "field": "phone"},
    ),
    "members:transfer_detail": (
        "member.transfer",
        lambda cast, org: {"pk": _transfer(cast, org).pk},
    ),
}


def _application_id(cast, org):  # type: ignore[no-untyped-def]
    return {"application_id": _application(cast, org).pk}


def _member_id(cast, org):  # type: ignore[no-untyped-def]
    return {"member_id": _membership(cast, org).pk}


def _transfer_id(cast, org):  # type: ignore[no-untyped-def]
    return {"transfer_id": _transfer(cast, org).pk}


API = {
    "/api/v1/members/{member_id}": _member_id,
    "/api/v1/members/{member_id}/transfer": _member_id,
    "/api/v1/members/{member_id}/retain": _member_id,
    "/api/v1/members/{member_id}/leave": _member_id,
    "/api/v1/members/{member_id}/expel": _member_id,
    "/api/v1/members/{member_id}/reactivate": _member_id,
    "/api/v1/members/transfers/{transfer_id}": _transfer_id,
    "/api/v1/members/transfers/{transfer_id}/confirm": _transfer_id,
    "/api/v1/members/transfers/{transfer_id}/reject": _transfer_id,
    "/api/v1/members/transfers/{transfer_id}/cancel": _transfer_id,
    "/api/v1/members/applications/{application_id}": _application_id,
    "/api/v1/members/applications/{application_id}/approve": _application_id,
    "/api/v1/members/applications/{application_id}/reject": _application_id,
    "/api/v1/members/applications/{application_id}/forward": _application_id,
}


def _retain_at_other_city(cast):  # type: ignore[no-untyped-def]
    from gonghui.members import services

    membership = make_member(cast.xq_union)
    services.membership_retain(
        actor=cast.xq_staff, membership=membership, reason="retirement", keep_at=cast.yuanzhou
    )


def _members_state(cast):  # type: ignore[no-untyped-def]
    from gonghui.members.models import Membership

    return list(Membership.objects.order_by("pk").values("pk", "organisation_id", "state"))


def _forward_from_other_city(cast):  # type: ignore[no-untyped-def]
    """Forwarding may send an application out of the actor's scope, but only from a union the
    actor reviews: 兴庆 staff cannot take 原州's application."""
    from gonghui.members import services

    services.join_application_forward(
        actor=cast.xq_staff,
        application=_application(cast, cast.yz_union),
        to_organisation=cast.xq_union,
        reason="选错了单位",
    )


def _applications_state(cast):  # type: ignore[no-untyped-def]
    from gonghui.members.models import JoinApplication

    return list(JoinApplication.objects.order_by("pk").values("pk", "organisation_id", "due_on"))


ESCAPES = [
    (_retain_at_other_city, _members_state),
    (_forward_from_other_city, _applications_state),
]
