"""Console pages of the registry, the review queue and transfers: parse → access → service →
render. The workers' H5 pages are in ``views_h5``."""

from gonghui.members.views.member import (
    member_change,
    member_detail,
    member_reactivate,
    member_reveal,
    member_update,
)
from gonghui.members.views.registry import member_export, member_list
from gonghui.members.views.review import (
    application_bulk_approve,
    application_detail,
    application_queue,
    application_reveal,
    application_unions,
)
from gonghui.members.views.transfers import transfer_detail, transfer_list, transfer_new

__all__ = [
    "application_bulk_approve",
    "application_detail",
    "application_queue",
    "application_reveal",
    "application_unions",
    "member_change",
    "member_detail",
    "member_export",
    "member_list",
    "member_reactivate",
    "member_reveal",
    "member_update",
    "transfer_detail",
    "transfer_list",
    "transfer_new",
]
