"""Writes of the member registry: joining, review, state changes, transfers, card numbers.

Each service opens its transaction, checks the rule, writes the typed timeline event
(``MembershipEvent``) and the auditors' change record, and re-checks the actor's scope.
The package is split by work line; import the services from here.
"""

from gonghui.members.services.common import (
    CARD_COUNTER,
    DEFAULT_TRANSFER_AUTO_DAYS,
    PII_FIELDS,
    card_number_next,
    card_numbers,
    clean_phone,
    clean_resident_id,
    live_membership_of,
    transfer_auto_days,
)
from gonghui.members.services.details import KEEP, member_update
from gonghui.members.services.joining import (
    clean_employer_credit_code,
    join_application_approve,
    join_application_reject,
    join_application_submit,
)
from gonghui.members.services.membership import (
    membership_expel,
    membership_leave,
    membership_reactivate,
    membership_retain,
)
from gonghui.members.services.review import (
    BulkApproval,
    join_application_forward,
    join_applications_approve,
)
from gonghui.members.services.transfers import (
    transfer_cancel,
    transfer_confirm,
    transfer_reject,
    transfer_request,
    transfer_request_by_member,
    transfers_complete_due,
)

__all__ = [
    "CARD_COUNTER",
    "DEFAULT_TRANSFER_AUTO_DAYS",
    "KEEP",
    "PII_FIELDS",
    "BulkApproval",
    "card_number_next",
    "card_numbers",
    "clean_employer_credit_code",
    "clean_phone",
    "clean_resident_id",
    "join_application_approve",
    "join_application_forward",
    "join_application_reject",
    "join_application_submit",
    "join_applications_approve",
    "live_membership_of",
    "member_update",
    "membership_expel",
    "membership_leave",
    "membership_reactivate",
    "membership_retain",
    "transfer_auto_days",
    "transfer_cancel",
    "transfer_confirm",
    "transfer_reject",
    "transfer_request",
    "transfer_request_by_member",
    "transfers_complete_due",
]
