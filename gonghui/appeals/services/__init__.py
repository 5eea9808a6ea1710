"""Every write of the 12351 appeals (DESIGN §3): intake, one service per transition, notes,
attachments. Transitions check the table in rules.TRANSITIONS and use a conditional UPDATE on
(pk, state, version), so of two handlers acting at once one wins and the other gets a Conflict.
"""

from gonghui.appeals.services.attachments import alert_mark_read, attachment_add
from gonghui.appeals.services.common import (
    classifier,
    clear_reference_cache,
    forget_case_numbers,
    forget_classifier,
    intake_organisation,
    number_prefix,
    root_organisation,
    sla_days,
)
from gonghui.appeals.services.intake import appeal_intake, appeal_intake_once, route_for
from gonghui.appeals.services.transitions import (
    appeal_add_info,
    appeal_callback,
    appeal_close,
    appeal_dispatch,
    appeal_extension_approve,
    appeal_extension_reject,
    appeal_extension_request,
    appeal_merge,
    appeal_note,
    appeal_reply,
    appeal_return,
    appeal_sign,
    appeal_start,
    extension_approver,
    extension_request_pending,
    extension_request_used,
)

__all__ = [
    "alert_mark_read",
    "appeal_add_info",
    "appeal_callback",
    "appeal_close",
    "appeal_dispatch",
    "appeal_extension_approve",
    "appeal_extension_reject",
    "appeal_extension_request",
    "appeal_intake",
    "appeal_intake_once",
    "appeal_merge",
    "appeal_note",
    "appeal_reply",
    "appeal_return",
    "appeal_sign",
    "appeal_start",
    "attachment_add",
    "classifier",
    "clear_reference_cache",
    "extension_approver",
    "extension_request_pending",
    "extension_request_used",
    "forget_case_numbers",
    "forget_classifier",
    "intake_organisation",
    "number_prefix",
    "root_organisation",
    "route_for",
    "sla_days",
]
