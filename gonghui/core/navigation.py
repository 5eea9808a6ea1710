"""The console's navigation: each entry shows only to users holding its capability.

An app adds its pages by appending a ``NavItem`` here (see docs/developers.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: Promise
    url_name: str
    capability: str
    icon: str = "circle"


CONSOLE_NAV: list[NavItem] = [
    NavItem(_("Union organisations"), "orgs:org_list", "org.view", "diagram-3"),
    NavItem(_("Employers"), "orgs:employer_list", "employer.view", "building"),
    NavItem(_("Members"), "members:member_list", "member.view", "person-vcard"),
    NavItem(
        _("Mass enrolment"), "memberimport:batch_list", "member.import", "file-earmark-arrow-up"
    ),
    NavItem(_("Staff"), "accounts:staff_list", "staff.manage", "people"),
    NavItem(_("Audit records"), "core:audit_list", "audit.view", "journal-text"),
    NavItem(_("Service stations"), "stations:station_list", "station.view", "geo-alt"),
    NavItem(_("Hotline intake"), "appeals:intake", "appeal.intake", "telephone"),
    NavItem(_("Walk-in registration"), "appeals:walk_in", "appeal.intake", "person-walking"),
    NavItem(_("My appeal queue"), "appeals:queue", "appeal.handle", "inbox"),
    NavItem(_("Extension requests"), "appeals:extensions", "appeal.dispatch", "hourglass-split"),
    NavItem(_("Appeals"), "appeals:list", "appeal.view", "chat-square-text"),
    NavItem(_("Appeal figures"), "appeals:kpi", "dashboard.view", "bar-chart"),
]


@dataclass(frozen=True)
class H5Item:
    label: Promise
    url_name: str
    icon: str = "circle"


# The workers' services on the phone home page (/m/); each app appends its own.
H5_NAV: list[H5Item] = [
    H5Item(_("Nearby stations"), "stations:h5_map", "geo-alt"),
    H5Item(_("Join the union"), "members:join", "person-plus"),
    H5Item(_("Membership transfer"), "members:member_transfer", "arrow-left-right"),
    H5Item(_("File an appeal"), "appeals:h5_appeal", "megaphone"),
    H5Item(_("Track my appeal"), "appeals:h5_track", "search"),
]
