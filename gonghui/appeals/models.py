"""12351 appeals: subjects, appeals with their timeline and attachments, routing and time limits."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.accounts.scoping import ScopedQuerySet
from gonghui.appeals.choices import (
    Channel,
    Complexity,
    EventKind,
    ExtensionStatus,
    Flag,
    RequestType,
    Satisfaction,
    State,
)
from gonghui.core.models import Division, TimeStampedModel
from gonghui.core.pii import BlindIndexField, EncryptedTextField


class Subject(models.Model):
    """A subject (类别) of appeals: editable reference data, seeded with the 12 codes of issue 4.

    The classifier suggests a subject code; only active subjects are offered to operators.
    """

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """Routing table (归口办理、属地管理): subject × division → responsible organisation.

    A rule with an empty subject matches every subject of its division; one with an empty division
    matches its subject everywhere. The most specific active rule wins (see rules.pick_route);
    without any, the county federation of the employer's (or caller's) division is chosen.
    """

    subject = models.ForeignKey(
        Subject, verbose_name=_("subject"), null=True, blank=True, on_delete=models.CASCADE
    )
    division = models.ForeignKey(
        Division,
        verbose_name=_("division"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("responsible organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.UniqueConstraint(fields=["subject", "division"], name="appeals_route_unique")
        ]

    def __str__(self) -> str:
        return f"{self.subject or '*'} × {self.division_id or '*'} → {self.organisation}"


class SlaPolicy(models.Model):
    """Time limits in working days per request type × complexity (defaults from issue 4)."""

    request_type = models.CharField(_("request type"), max_length=16, choices=RequestType.choices)
    complexity = models.CharField(_("complexity"), max_length=16, choices=Complexity.choices)
    sign_days = models.PositiveSmallIntegerField(_("working days to sign"), default=1)
    reply_days = models.PositiveSmallIntegerField(_("working days to reply"))

    class Meta:
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")
        constraints = [
            models.UniqueConstraint(
                fields=["request_type", "complexity"], name="appeals_sla_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_type}/{self.complexity}: {self.reply_days}"


class Appeal(TimeStampedModel):
    """One worker appeal (诉求) through the 12351 hotline, the H5 form or a walk-in.

    ``state`` moves only through the transitions table (rules.TRANSITIONS), each by one service
    with a conditional UPDATE on (state, version), so two handlers never overwrite each other.
    ``organisation`` is the union currently responsible (scoping). ``due_on`` is the deadline now
    running (sign or reply), indexed, so the SLA command and the queue read one column.
    """

    number = models.CharField(_("case number"), max_length=32)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    # The local (Asia/Shanghai) day of receipt: periods and months of the KPI page group on it
    # with plain date comparisons, no time-zone conversion per row.
    received_on = models.DateField(_("received on"), null=True, blank=True)
    caller_name = models.CharField(_("caller name"), max_length=50)
    phone = EncryptedTextField(_("phone"))
    phone_hash = BlindIndexField()
    id_number = EncryptedTextField(_("ID number"), blank=True, default="")
    id_number_hash = BlindIndexField(blank=True, default=b"")
    employer = models.ForeignKey(
        "orgs.Employer",
        verbose_name=_("employer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appeals",
    )
    employer_name = models.CharField(_("employer name"), max_length=150, blank=True)
    division = models.ForeignKey(
        Division,
        verbose_name=_("division"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # indexed in Meta: the default would add a LIKE-only twin
    )
    facts = models.TextField(_("what happened"))
    demand = models.TextField(_("what the worker asks for"), blank=True)
    request_type = models.CharField(_("request type"), max_length=16, choices=RequestType.choices)
    subject = models.ForeignKey(
        Subject, verbose_name=_("subject"), on_delete=models.PROTECT, related_name="appeals"
    )
    subject_confirmed = models.BooleanField(_("subject confirmed by staff"), default=False)
    suggested_subject = models.ForeignKey(
        Subject,
        verbose_name=_("suggested subject"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    suggestion_confidence = models.FloatField(_("confidence"), null=True, blank=True)
    suggestion_terms = models.JSONField(_("words behind the suggestion"), default=list, blank=True)
    complexity = models.CharField(
        _("complexity"), max_length=16, choices=Complexity.choices, default=Complexity.ORDINARY
    )
    urgent = models.BooleanField(_("urgent"), default=False)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.RECEIVED
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("responsible organisation"),
        on_delete=models.PROTECT,
        related_name="appeals",
        db_index=False,  # leads the (organisation, state) index
    )
    dispatched_by = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("dispatching organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    routing_reason = models.CharField(_("routing reason"), max_length=200, blank=True)
    # Walk-ins: the station where the worker came in, if it was not a union office.
    station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("station of the visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sign_due = models.DateField(_("sign by"), null=True, blank=True, db_index=True)
    reply_due = models.DateField(_("reply by"), null=True, blank=True, db_index=True)
    due_on = models.DateField(_("running deadline"), null=True, blank=True, db_index=True)
    flag = models.CharField(
        _("flag"), max_length=8, choices=Flag.choices, default=Flag.NONE, blank=True
    )
    supervised = models.BooleanField(_("under supervision"), default=False)
    extension_used = models.BooleanField(_("extension used"), default=False)
    # An extension request awaits the dispatching level (ExtensionRequest): flagged in queues.
    extension_pending = models.BooleanField(_("extension awaiting approval"), default=False)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, db_index=True)
    reply = models.TextField(_("reply to the worker"), blank=True)
    on_time = models.BooleanField(_("replied on time"), null=True, blank=True)
    working_days_to_close = models.PositiveSmallIntegerField(
        _("working days to close"), null=True, blank=True
    )
    wages_recovered = models.DecimalField(
        _("wages recovered (yuan)"), max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    satisfaction = models.CharField(
        _("satisfaction"), max_length=16, choices=Satisfaction.choices, blank=True
    )
    callback_attempts = models.PositiveSmallIntegerField(_("callback attempts"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    idempotency_key = models.CharField(max_length=80, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "organisation__path"

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        # Every index is paid for by each intake. Numbers, keys and hashes are compared for
        # equality only, so they get plain unique constraints and indexes: ``unique=True`` or
        # ``db_index=True`` on a text column would add a LIKE-only twin on PostgreSQL.
        constraints = [
            models.UniqueConstraint(fields=["number"], name="appeals_number_uniq"),
            models.UniqueConstraint(fields=["idempotency_key"], name="appeals_idempotency_uniq"),
        ]
        indexes = [
            models.Index(fields=["state", "due_on"]),
            models.Index(fields=["organisation", "state"]),
            models.Index(fields=["phone_hash"], name="appeals_phone_hash"),
            models.Index(fields=["id_number_hash"], name="appeals_id_hash"),
            models.Index(fields=["division"], name="appeals_division"),
            # Covering index of the KPI page: every column its aggregates read, so a region's
            # three years are counted from the index without touching the wide rows.
            models.Index(
                fields=[
                    "received_on",
                    "organisation",
                    "state",
                    "subject",
                    "on_time",
                    "satisfaction",
                    "working_days_to_close",
                    "wages_recovered",
                    "due_on",
                ],
                name="appeals_kpi_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class AppealEvent(models.Model):
    """The appeal's typed timeline (DESIGN §4): every transition, note, reminder and rating.

    ``public`` events are what the worker sees on /m/track; internal notes stay with staff.
    """

    # Leads the (appeal, created_at) index.
    appeal = models.ForeignKey(
        Appeal, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    public = models.BooleanField(_("visible to the worker"), default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=100, blank=True)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("appeal event")
        verbose_name_plural = _("appeal events")
        indexes = [models.Index(fields=["appeal", "created_at"])]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.kind}"


class ExtensionRequest(models.Model):
    """The handling union's request to extend an appeal's reply deadline, decided by the
    dispatching level (``approver``, see services.extension_approver).

    One request per appeal counts (pending, approved or refused: a refusal uses it up); a request
    withdrawn because the appeal moved on (replied, returned, re-dispatched, merged) before the
    decision does not. A pending request never blocks the handling: the appeal keeps its state
    and deadline until the approval moves both.
    """

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="extension_requests")
    approver = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("approving organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    days = models.PositiveSmallIntegerField(_("working days requested"))
    reason = models.TextField(pgettext_lazy("extension", "reason"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ExtensionStatus.choices,
        default=ExtensionStatus.PENDING,
        db_index=True,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("extension", "requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_by_name = models.CharField(
        pgettext_lazy("extension", "requested by"), max_length=150, blank=True
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    due_before = models.DateField(_("reply deadline when requested"), null=True, blank=True)
    days_granted = models.PositiveSmallIntegerField(
        _("working days granted"), null=True, blank=True
    )
    due_after = models.DateField(_("new reply deadline"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("extension", "decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by_name = models.CharField(
        pgettext_lazy("extension", "decided by"), max_length=150, blank=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "appeal__organisation__path"

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            # "Once per appeal", also under two requests at the same moment.
            models.UniqueConstraint(
                fields=["appeal"],
                condition=~models.Q(status="withdrawn"),
                name="appeals_one_extension_request",
            )
        ]
        indexes = [models.Index(fields=["status", "approver"])]

    def __str__(self) -> str:
        return f"{self.appeal_id} +{self.days} {self.status}"


def attachment_path(instance: AppealAttachment, filename: str) -> str:
    now = timezone.now()
    return f"appeals/{now:%Y/%m}/{instance.appeal_id}-{filename}"


class AppealAttachment(models.Model):
    """A photo or document of an appeal; type and size checked, EXIF stripped (rules/services)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    public = models.BooleanField(_("from the worker"), default=False)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class AppealAlert(models.Model):
    """An in-app notification to a duty officer (emergency appeals) or a supervisor (督办)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appeal_alerts"
    )
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="alerts")
    message = models.CharField(_("message"), max_length=200)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.UniqueConstraint(fields=["user", "appeal", "message"], name="appeals_alert_once")
        ]

    def __str__(self) -> str:
        return self.message
