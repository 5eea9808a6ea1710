"""Choice lists of the 12351 appeals app."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    PHONE = "phone", _("Hotline call")
    WEB = "web", _("Online (H5)")
    WALK_IN = "walk_in", _("Walk-in")


class RequestType(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    HELP = "help", _("Request for help")
    COMPLAINT = "complaint", _("Complaint")
    LEGAL_AID = "legal_aid", _("Legal aid")
    SUGGESTION = "suggestion", _("Opinion or suggestion")


class Complexity(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary")
    DIFFICULT = "difficult", _("Difficult")
    VERY_COMPLEX = "very_complex", _("Very complex")


class State(models.TextChoices):
    RECEIVED = "received", _("Received")
    DISPATCHED = "dispatched", _("Dispatched")
    SIGNED = "signed", _("Signed for")
    IN_PROGRESS = "in_progress", _("In progress")
    EXTENDED = "extended", _("Extended")
    REPLIED = "replied", _("Replied")
    CALLBACK = "callback", _("Called back")
    CLOSED = "closed", _("Closed")
    RETURNED = "returned", _("Returned")
    REOPENED = "reopened", _("Reopened")
    MERGED = "merged", _("Merged")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("extension", "Awaiting approval")
    APPROVED = "approved", pgettext_lazy("extension", "Approved")
    REJECTED = "rejected", pgettext_lazy("extension", "Refused")
    WITHDRAWN = "withdrawn", pgettext_lazy("extension", "Withdrawn")


class Flag(models.TextChoices):
    NONE = "", _("On time")
    YELLOW = "yellow", _("Due soon")
    RED = "red", _("Overdue")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")
    UNREACHABLE = "unreachable", _("Unreachable")


class EventKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    ANSWERED = "answered", _("Answered on the spot")
    DISPATCHED = "dispatched", _("Dispatched")
    SIGNED = "signed", _("Signed for")
    STARTED = "started", _("Handling started")
    EXTENDED = "extended", _("Time limit extended")
    EXTENSION_REQUESTED = "ext_requested", _("Extension requested")
    EXTENSION_REJECTED = "ext_rejected", _("Extension refused")
    EXTENSION_WITHDRAWN = "ext_withdrawn", _("Extension request withdrawn")
    REPLIED = "replied", _("Replied")
    CALLBACK = "callback", _("Callback")
    CLOSED = "closed", _("Closed")
    RETURNED = "returned", _("Returned")
    REOPENED = "reopened", _("Reopened")
    MERGED = "merged", _("Merged")
    NOTE = "note", _("Internal note")
    INFO = "info", _("Information added by the worker")
    RATED = "rated", _("Rated by the worker")
    ATTACHMENT = "attachment", _("Attachment")
    REMINDER = "reminder", _("Reminder (overdue)")
    SUPERVISION = "supervision", _("Supervision")
    ALERT = "alert", _("Emergency alert")


OPEN_STATES = (
    State.RECEIVED,
    State.DISPATCHED,
    State.SIGNED,
    State.IN_PROGRESS,
    State.EXTENDED,
    State.RETURNED,
    State.REOPENED,
)
# States whose running deadline is the sign deadline; the others (handling) run on reply_due.
SIGN_PHASE = (State.RECEIVED, State.DISPATCHED, State.RETURNED)
