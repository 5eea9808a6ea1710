"""Choice lists of the member registry."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Education(models.TextChoices):
    PRIMARY = "primary", _("Primary school or below")
    JUNIOR_HIGH = "junior_high", _("Junior high school")
    SENIOR_HIGH = "senior_high", _("Senior high school")
    VOCATIONAL = "vocational", _("Secondary vocational school")
    COLLEGE = "college", _("Junior college")
    BACHELOR = "bachelor", _("Bachelor's degree")
    MASTER = "master", _("Master's degree")
    DOCTOR = "doctor", _("Doctorate")


class Occupation(models.TextChoices):
    # The eight groups of the new forms of employment (新就业形态 "八大群体"), counted separately.
    TRUCK_DRIVER = "truck_driver", _("Truck driver")
    RIDE_HAILING_DRIVER = "ride_hailing_driver", _("Ride-hailing driver")
    COURIER = "courier", _("Courier")
    DELIVERY_RIDER = "delivery_rider", _("Food delivery rider")
    DOMESTIC_WORKER = "domestic_worker", _("Domestic service worker")
    LIVE_STREAMER = "live_streamer", _("Online streamer")
    SECURITY_GUARD = "security_guard", _("Security guard")
    CARE_WORKER = "care_worker", _("Care worker")
    # General occupations (after the major groups of the national occupation classification).
    MANAGER = "manager", _("Manager or official")
    PROFESSIONAL = "professional", _("Professional or technician")
    CLERK = "clerk", _("Clerk")
    SERVICE = "service", _("Commerce or service worker")
    PRODUCTION = "production", _("Production or transport operator")
    AGRICULTURE = "agriculture", _("Agricultural worker")
    TEACHER = "teacher", _("Teacher")
    MEDICAL = "medical", _("Medical worker")
    OTHER = "other", _("Other")


NEW_EMPLOYMENT_FORM_OCCUPATIONS = frozenset(
    {
        Occupation.TRUCK_DRIVER,
        Occupation.RIDE_HAILING_DRIVER,
        Occupation.COURIER,
        Occupation.DELIVERY_RIDER,
        Occupation.DOMESTIC_WORKER,
        Occupation.LIVE_STREAMER,
        Occupation.SECURITY_GUARD,
        Occupation.CARE_WORKER,
    }
)


class EmploymentType(models.TextChoices):
    FULL_TIME = "full_time", _("Full-time labour contract")
    PART_TIME = "part_time", _("Part-time")
    DISPATCHED = "dispatched", _("Agency (dispatched) worker")
    PLATFORM = "platform", _("Platform or flexible employment")
    CIVIL_SERVICE = "civil_service", _("Civil service or public institution staff")
    OTHER = "other", _("Other")


class MembershipState(models.TextChoices):
    ACTIVE = "active", _("Active")
    TRANSFERRING = "transferring", _("Transferring")
    RETAINED = "retained", _("Retained")
    LEFT = "left", _("Left")
    EXPELLED = "expelled", _("Expelled")


# A person holds at most one membership in these states (一次入会、动态接转).
LIVE_STATES = (MembershipState.ACTIVE, MembershipState.TRANSFERRING, MembershipState.RETAINED)


class RetainReason(models.TextChoices):
    RETIREMENT = "retirement", _("Retirement")
    UNEMPLOYMENT = "unemployment", _("Unemployment")
    UNIT_CLOSED = "unit_closed", _("The unit closed")


class EventKind(models.TextChoices):
    APPLIED = "applied", _("Applied to join")
    JOINED = "joined", _("Joined")
    TRANSFER_REQUESTED = "transfer_requested", _("Transfer requested")
    TRANSFER_REJECTED = "transfer_rejected", _("Transfer rejected")
    TRANSFER_CANCELLED = "transfer_cancelled", _("Transfer cancelled")
    TRANSFERRED = "transferred", _("Transferred")
    RETAINED = "retained", _("Membership retained")
    REACTIVATED = "reactivated", _("Membership reactivated")
    LEFT = "left", _("Left the union")
    EXPELLED = "expelled", _("Expelled")
    UPDATED = "updated", _("Details changed")


class ApplicationState(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class TransferState(models.TextChoices):
    PENDING = "pending", _("Awaiting confirmation")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class TransferOrigin(models.TextChoices):
    UNION = "union", _("Requested by the new union")
    MEMBER = "member", _("Requested by the member")


class TransferCompletion(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed by the old union")
    AUTOMATIC = "automatic", _("Completed automatically")
