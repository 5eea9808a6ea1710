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
    "org.view": _("查看工会组织"),
    "org.manage": _("新建、编辑、迁移工会组织"),
    "employer.view": _("查看用人单位"),
    "employer.manage": _("新建、编辑用人单位"),
    # staff accounts and audit
    "staff.manage": _("管理工作人员账号和角色"),
    "audit.view": _("查看审计记录"),
    "pii.reveal": _("查看身份证号、手机号明文"),
    # members
    "member.view": _("查看会员"),
    "member.manage": _("编辑会员信息、办理会籍变更"),
    "member.review": _("审核入会申请"),
    "member.import": _("集中入会（批量导入）"),
    "member.transfer": _("办理会籍接转"),
    "member.export": _("导出会员"),
    # 12351 appeals
    "appeal.intake": _("受理12351诉求"),
    "appeal.view": _("查看诉求"),
    "appeal.dispatch": _("分派、转办诉求"),
    "appeal.handle": _("办理诉求"),
    "appeal.callback": _("回访诉求"),
    "appeal.supervise": _("督办诉求"),
    "appeal.duty": _("值班（接收紧急诉求提醒）"),
    "appeal.configure": _("维护诉求分类、路由和时限"),
    # service stations
    "station.view": _("查看服务站点"),
    "station.manage": _("管理服务站点"),
    "station.accept": _("验收服务站点"),
    # leadership
    "dashboard.view": _("查看统计看板"),
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
        _("工会管理员"),
        _("本级及下级工会的全部业务和账号管理"),
        *CAPABILITIES.keys(),
    ),
    "org_staff": _role(
        _("工会工作人员"),
        _("日常办理：组织、会员、诉求、站点"),
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
        _("12351话务员"),
        _("接听热线、登记和解答诉求"),
        "org.view",
        "employer.view",
        "member.view",
        "appeal.intake",
        "appeal.view",
        "appeal.dispatch",
        "appeal.callback",
    ),
    "appeal_handler": _role(
        _("维权专员"),
        _("签收、办理、回访诉求"),
        "org.view",
        "employer.view",
        "appeal.view",
        "appeal.handle",
        "appeal.callback",
    ),
    "duty_officer": _role(
        _("值班人员"),
        _("接收紧急诉求提醒并督办"),
        "org.view",
        "appeal.view",
        "appeal.duty",
        "appeal.supervise",
    ),
    "station_manager": _role(
        _("站点管理员"),
        _("维护服务站点信息和服务记录"),
        "org.view",
        "station.view",
        "station.manage",
    ),
    "auditor": _role(
        _("审计员"),
        _("查看审计记录"),
        "org.view",
        "audit.view",
    ),
    "leader": _role(
        _("领导"),
        _("查看本级及下级的统计和记录"),
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
