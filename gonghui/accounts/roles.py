"""Capabilities and roles, defined in code (DESIGN §4).

A capability names one thing a staff user may do (``appeal.dispatch``); a role is a named set of
capabilities; a ``RoleAssignment`` gives a user a role on one organisation, which grants the role's
capabilities on that organisation's whole subtree. Adding a capability: add it to ``CAPABILITIES``,
give it to the roles that need it, and check it with ``visible_to`` / ``actor_can``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CAPABILITIES: dict[str, Promise] = {
    # organisations and employers
    "org.view": _("View union organisations"),
    "org.manage": _("Create, edit and move union organisations"),
    "employer.view": _("View employers"),
    "employer.manage": _("Create and edit employers"),
    # staff accounts and audit
    "staff.manage": _("Manage staff accounts and roles"),
    "audit.view": _("View audit records"),
    "pii.reveal": _("View resident ID numbers and mobile numbers in plain text"),
    # members
    "member.view": _("View members"),
    "member.manage": _("Edit member details and handle membership changes"),
    "member.review": _("Review membership applications"),
    "member.import": _("Bulk enrolment (batch import)"),
    "member.transfer": _("Handle membership transfers"),
    "member.export": _("Export members"),
    # 12351 appeals
    "appeal.intake": _("Take in 12351 appeals"),
    "appeal.view": _("View appeals"),
    "appeal.dispatch": _("Assign and reassign appeals"),
    "appeal.handle": _("Handle appeals"),
    "appeal.callback": _("Follow up on appeals"),
    "appeal.supervise": _("Supervise appeals"),
    "appeal.duty": _("Be on duty (receive urgent appeal alerts)"),
    "appeal.configure": _("Maintain appeal categories, routing and time limits"),
    # service stations
    "station.view": _("View service stations"),
    "station.manage": _("Manage service stations"),
    "station.accept": _("Inspect and accept service stations"),
    # leadership
    "dashboard.view": _("View the statistics dashboard"),
}


@dataclass(frozen=True)
class Role:
    label: Promise
    capabilities: frozenset[str]
    description: Promise


def _role(label: Promise, description: Promise, *capabilities: str) -> Role:
    unknown = set(capabilities) - CAPABILITIES.keys()
    if unknown:
        raise ValueError(f"unknown capabilities: {sorted(unknown)}")
    return Role(label, frozenset(capabilities), description)


ROLES: dict[str, Role] = {
    "federation_admin": _role(
        _("Union administrator"),
        _("All business and account management for this union and the unions below it"),
        *CAPABILITIES.keys(),
    ),
    "org_staff": _role(
        _("Union staff member"),
        _("Day-to-day work: organisations, members, appeals, stations"),
        "org.view",
        "employer.view",
        "employer.manage",
        "member.view",
        "member.manage",
        "member.review",
        "member.import",
        "member.transfer",
        "member.export",
        "appeal.view",
        "appeal.intake",
        "appeal.dispatch",
        "appeal.handle",
        "appeal.callback",
        "station.view",
        "station.manage",
    ),
    "hotline_operator": _role(
        _("12351 hotline operator"),
        _("Answers the hotline, records and responds to appeals"),
        "org.view",
        "employer.view",
        "member.view",
        "appeal.intake",
        "appeal.view",
        "appeal.dispatch",
        "appeal.callback",
    ),
    "appeal_handler": _role(
        _("Rights protection officer"),
        _("Accepts, handles and follows up on appeals"),
        "org.view",
        "employer.view",
        "appeal.view",
        "appeal.handle",
        "appeal.callback",
    ),
    "duty_officer": _role(
        _("Duty officer"),
        _("Receives urgent appeal alerts and supervises them"),
        "org.view",
        "appeal.view",
        "appeal.duty",
        "appeal.supervise",
    ),
    "station_manager": _role(
        _("Station administrator"),
        _("Maintains service station details and service records"),
        "org.view",
        "station.view",
        "station.manage",
    ),
    "auditor": _role(
        _("Auditor"),
        _("View audit records"),
        "org.view",
        "audit.view",
    ),
    "leader": _role(
        _("Leader"),
        _("Views statistics and records of this level and below"),
        "org.view",
        "employer.view",
        "member.view",
        "appeal.view",
        "appeal.supervise",
        "station.view",
        "dashboard.view",
    ),
}

ROLE_CHOICES = [(key, role.label) for key, role in ROLES.items()]


def roles_with(capability: str) -> list[str]:
    """The role keys that grant ``capability``."""
    return [key for key, role in ROLES.items() if capability in role.capabilities]
