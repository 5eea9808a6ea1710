"""Choice lists of the organisation app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    REGION_FEDERATION = (
        "region_federation",
        _("Provincial (autonomous region) federation of trade unions"),
    )
    CITY_FEDERATION = "city_federation", _("City federation of trade unions")
    COUNTY_FEDERATION = "county_federation", _("County (city, district) federation of trade unions")
    TOWNSHIP = "township", _("Township (subdistrict) union")
    INDUSTRY = "industry", _("Industrial union")
    JOINT = "joint", _("Joint grassroots union")
    SECTOR = "sector", _("Sectoral union")
    GRASSROOTS = "grassroots", _("Grassroots union")


FEDERATION_KINDS = (
    OrgKind.REGION_FEDERATION,
    OrgKind.CITY_FEDERATION,
    OrgKind.COUNTY_FEDERATION,
)
# Unions that members join directly (a member's organisation is one of these or a federation
# that holds members whose unit has no union, 属地管理).
GRASSROOTS_KINDS = (OrgKind.GRASSROOTS, OrgKind.JOINT, OrgKind.SECTOR)


class OrgStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    DISSOLVED = "dissolved", _("Dissolved")


class Industry(models.TextChoices):
    """GB/T 4754-2017 sections (门类)."""

    A = "A", _("Agriculture, forestry, animal husbandry and fishery")
    B = "B", _("Mining")
    C = "C", _("Manufacturing")
    D = "D", _("Production and supply of electricity, heat, gas and water")
    E = "E", _("Construction")
    F = "F", _("Wholesale and retail trade")
    G = "G", _("Transport, storage and postal services")
    H = "H", _("Accommodation and catering")
    I = "I", _("Information transmission, software and information technology services")  # noqa: E741
    J = "J", _("Finance")
    K = "K", _("Real estate")
    L = "L", _("Leasing and business services")
    M = "M", _("Scientific research and technical services")
    N = "N", _("Water conservancy, environment and public facilities management")
    O = "O", _("Resident services, repair and other services")  # noqa: E741
    P = "P", _("Education")
    Q = "Q", _("Health and social work")
    R = "R", _("Culture, sports and entertainment")
    S = "S", _("Public administration, social security and social organisations")
    T = "T", _("International organisations")


class EmployerSize(models.TextChoices):
    MICRO = "micro", _("Micro")
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")


class Ownership(models.TextChoices):
    STATE = "state", _("State-owned")
    COLLECTIVE = "collective", _("Collective")
    PRIVATE = "private", _("Private")
    FOREIGN = "foreign", _("Foreign-invested")
    HMT = "hmt", _("Hong Kong, Macao and Taiwan-invested")
    PUBLIC_INSTITUTION = "public_institution", _("Government agency or public institution")
    SOCIAL_ORGANISATION = "social_organisation", _("Social organisation")
    OTHER = "other", _("Other")


class PlatformKind(models.TextChoices):
    NONE = "", _("Not a platform company")
    DELIVERY = "delivery", _("Food delivery")
    EXPRESS = "express", _("Express delivery and logistics")
    RIDE_HAILING = "ride_hailing", _("Ride-hailing")
    FREIGHT = "freight", _("Freight")
    OTHER = "other", _("Other platform")
