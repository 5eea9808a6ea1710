"""The member registry: persons, memberships with their timeline, join applications, transfers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.accounts.scoping import ScopedQuerySet
from gonghui.core.models import TimeStampedModel
from gonghui.core.pii import BlindIndexField, EncryptedTextField
from gonghui.members.choices import (
    LIVE_STATES,
    ApplicationState,
    Education,
    EmploymentType,
    EventKind,
    MembershipState,
    Occupation,
    RetainReason,
    Sex,
    TransferCompletion,
    TransferOrigin,
    TransferState,
)


class Person(TimeStampedModel):
    """A real person, registered once by resident ID number (一次入会、动态接转).

    ``id_number_hash`` (HMAC blind index) is unique, so the same ID can never be registered twice;
    sex, birth date and division are derived from the ID by the services. The ID number and the
    mobile are AES-GCM ciphertext; lookups go through the hashes. ``name_initials`` holds the
    pinyin initials ("zhw" for 张宏伟) for prefix search.
    """

    name = models.CharField(_("name"), max_length=50)
    name_initials = models.CharField(_("pinyin initials"), max_length=50, blank=True)
    id_number = EncryptedTextField(_("ID number"))
    id_number_hash = BlindIndexField(_("ID number hash"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    id_division_code = models.CharField(_("division of the ID"), max_length=6)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True)
    phone = EncryptedTextField(_("mobile"), blank=True)
    phone_hash = BlindIndexField(_("mobile hash"), blank=True, default=b"")
    education = models.CharField(
        _("education"), max_length=16, choices=Education.choices, blank=True
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        # Keyed hashes are only ever compared for equality: a plain unique constraint and index
        # (``unique=True``/``db_index=True`` would add a second, LIKE-only index on PostgreSQL
        # that every insert into a 1M-row registry pays for at a random place).
        constraints = [
            models.UniqueConstraint(fields=["id_number_hash"], name="members_person_id_hash_uniq")
        ]
        # The name and initials prefix indexes differ per database (migrations 0004 and 0006):
        # PostgreSQL searches and orders through expression indexes in the "C" collation,
        # SQLite through plain indexes, which compare in binary order already.
        indexes = [models.Index(fields=["phone_hash"], name="members_person_phone_hash")]

    def __str__(self) -> str:
        return self.name


# A person's own columns (all but the id and the timestamps), in the order the bulk writers give
# them: the demo world's seeder and mass enrolment.
PERSON_COLUMNS = (
    "name",
    "name_initials",
    "id_number",
    "id_number_hash",
    "sex",
    "birth_date",
    "id_division_code",
    "ethnicity",
    "phone",
    "phone_hash",
    "education",
)


class Membership(TimeStampedModel):
    """A person's membership of one union, with its state machine.

    active → transferring → active at the new union; retained (保留会籍); left (退会); expelled.
    At most one membership per person is live (active, transferring or retained): a partial
    unique constraint enforces it in the database. ``organisation`` is the union holding the
    membership and the scope of every query; the card number comes from a locked counter.
    """

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="memberships"
    )
    # Indexed by members_ms_org_state, whose leading column it is.
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("union"),
        on_delete=models.PROTECT,
        related_name="memberships",
        db_index=False,
    )
    employer = models.ForeignKey(
        "orgs.Employer",
        verbose_name=_("employer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memberships",
    )
    occupation = models.CharField(
        _("occupation"), max_length=32, choices=Occupation.choices, blank=True
    )
    employment_type = models.CharField(
        _("employment type"), max_length=16, choices=EmploymentType.choices, blank=True
    )
    state = models.CharField(
        _("state"), max_length=16, choices=MembershipState.choices, default=MembershipState.ACTIVE
    )
    retained_reason = models.CharField(
        _("reason for retaining"), max_length=16, choices=RetainReason.choices, blank=True
    )
    card_number = models.CharField(_("card number"), max_length=20, null=True, blank=True)
    joined_on = models.DateField(_("joined on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "organisation__path"

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(state__in=[str(state) for state in LIVE_STATES]),
                name="members_one_live_membership",
            ),
            models.UniqueConstraint(fields=["card_number"], name="members_ms_card_uniq"),
        ]
        indexes = [
            models.Index(fields=["organisation", "state"], name="members_ms_org_state"),
            models.Index(fields=["joined_on"], name="members_ms_joined_on"),
            models.Index(fields=["occupation", "state"], name="members_ms_occupation"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} {self.card_number or ''}".strip()


class MembershipEvent(models.Model):
    """One entry of a membership's visible timeline (joined, transferred, retained, left...).

    Written by the services (and the mass importer) in the same transaction as the change; the
    auditors' generic change record lives in core.ChangeRecord.
    """

    # Indexed by members_event_ms_at, whose leading column it is.
    membership = models.ForeignKey(
        Membership,
        verbose_name=_("membership"),
        on_delete=models.CASCADE,
        related_name="events",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=32, choices=EventKind.choices)
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("membership event")
        verbose_name_plural = _("membership events")
        indexes = [models.Index(fields=["membership", "at"], name="members_event_ms_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.kind}"


class JoinApplication(TimeStampedModel):
    """An online application to join (H5 ``/m/join``), reviewed by the union it was routed to.

    Routed to the employer's union, else the county federation of the employer's division (属地).
    ``due_on`` is the review deadline (3 working days), indexed for the queue's flags. The worker
    follows it with ID number + phone; a rejection reason is shown to the worker.

    A misrouted application is forwarded (转办) to another union: ``organisation`` becomes that
    union, ``due_on`` restarts, and ``forwarded_from``/``forwarded_at``/``forward_reason`` keep
    the latest forwarding (every one is also in the audit records). Applications have no
    timeline of their own, so these columns are what the staff and the worker see.
    """

    name = models.CharField(_("name"), max_length=50)
    id_number = EncryptedTextField(_("ID number"))
    id_number_hash = BlindIndexField(_("ID number hash"), db_index=True)
    phone = EncryptedTextField(_("mobile"))
    phone_hash = BlindIndexField(_("mobile hash"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    id_division_code = models.CharField(_("division of the ID"), max_length=6)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True)
    education = models.CharField(
        _("education"), max_length=16, choices=Education.choices, blank=True
    )
    employer = models.ForeignKey(
        "orgs.Employer",
        verbose_name=_("employer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # An employer the worker typed that is not in the register yet.
    employer_name = models.CharField(_("employer name"), max_length=150, blank=True)
    employer_credit_code = models.CharField(_("employer credit code"), max_length=18, blank=True)
    employer_division = models.ForeignKey(
        "core.Division",
        verbose_name=_("employer division"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    occupation = models.CharField(_("occupation"), max_length=32, choices=Occupation.choices)
    employment_type = models.CharField(
        _("employment type"), max_length=16, choices=EmploymentType.choices, blank=True
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("reviewing union"),
        on_delete=models.PROTECT,
        related_name="join_applications",
    )
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=ApplicationState.choices,
        default=ApplicationState.PENDING,
    )
    due_on = models.DateField(_("review deadline"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reject_reason = models.CharField(_("reason for rejection"), max_length=500, blank=True)
    membership = models.ForeignKey(
        Membership,
        verbose_name=_("membership"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    forwarded_from = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("forwarded from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    forwarded_at = models.DateTimeField(_("forwarded at"), null=True, blank=True)
    # Written for the receiving union's staff; not shown to the worker (see the status page).
    forward_reason = models.CharField(_("reason for forwarding"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "organisation__path"

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("join application")
        verbose_name_plural = _("join applications")
        indexes = [
            models.Index(fields=["organisation", "state", "due_on"], name="members_app_queue"),
            models.Index(fields=["state", "due_on"], name="members_app_due"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_state_display()})"


class Transfer(models.Model):
    """A membership transfer (会籍接转) from one union to another; rows are kept as history.

    Requested by the new union or by the member; the old union confirms or rejects, otherwise it
    completes by itself on ``auto_complete_on`` (a configurable number of working days), claimed
    by the idempotent command ``members_complete_transfers`` with a conditional UPDATE. If the new
    employer has no union, ``to_organisation`` is the local county federation.
    """

    membership = models.ForeignKey(
        Membership, verbose_name=_("membership"), on_delete=models.PROTECT, related_name="transfers"
    )
    from_organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("from union"),
        on_delete=models.PROTECT,
        related_name="transfers_out",
    )
    to_organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("to union"),
        on_delete=models.PROTECT,
        related_name="transfers_in",
    )
    from_employer = models.ForeignKey(
        "orgs.Employer",
        verbose_name=_("from employer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    to_employer = models.ForeignKey(
        "orgs.Employer",
        verbose_name=_("to employer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=16, choices=TransferState.choices, default=TransferState.PENDING
    )
    # The membership's state before the request (active or retained), restored on rejection.
    from_state = models.CharField(
        _("state before"), max_length=16, choices=MembershipState.choices, default="active"
    )
    origin = models.CharField(_("requested by"), max_length=16, choices=TransferOrigin.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    auto_complete_on = models.DateField(_("completes automatically on"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    completion = models.CharField(
        _("completion"), max_length=16, choices=TransferCompletion.choices, blank=True
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()
    # Scoping by the receiving union; the selectors also let the old union see its outgoing ones.
    scope_path = "to_organisation__path"

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("membership transfer")
        verbose_name_plural = _("membership transfers")
        constraints = [
            models.UniqueConstraint(
                fields=["membership"],
                condition=Q(state="pending"),
                name="members_one_pending_transfer",
            )
        ]
        indexes = [models.Index(fields=["state", "auto_complete_on"], name="members_tr_due")]

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.from_organisation_id} → {self.to_organisation_id}"
