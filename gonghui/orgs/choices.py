"""Choice lists of the organisation app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    REGION_FEDERATION = "region_federation", _("省（自治区）总工会")
    CITY_FEDERATION = "city_federation", _("市总工会")
    COUNTY_FEDERATION = "county_federation", _("县（市、区）总工会")
    TOWNSHIP = "township", _("乡镇（街道）工会")
    INDUSTRY = "industry", _("产业工会")
    JOINT = "joint", _("联合基层工会")
    SECTOR = "sector", _("行业工会")
    GRASSROOTS = "grassroots", _("基层工会")


FEDERATION_KINDS = (
    OrgKind.REGION_FEDERATION,
    OrgKind.CITY_FEDERATION,
    OrgKind.COUNTY_FEDERATION,
)
# Unions that members join directly (a member's organisation is one of these or a federation
# that holds members whose unit has no union, 属地管理).
GRASSROOTS_KINDS = (OrgKind.GRASSROOTS, OrgKind.JOINT, OrgKind.SECTOR)


class OrgStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    SUSPENDED = "suspended", _("停止活动")
    DISSOLVED = "dissolved", _("已撤销")


class Industry(models.TextChoices):
    """GB/T 4754-2017 sections (门类)."""

    A = "A", _("农、林、牧、渔业")
    B = "B", _("采矿业")
    C = "C", _("制造业")
    D = "D", _("电力、热力、燃气及水生产和供应业")
    E = "E", _("建筑业")
    F = "F", _("批发和零售业")
    G = "G", _("交通运输、仓储和邮政业")
    H = "H", _("住宿和餐饮业")
    I = "I", _("信息传输、软件和信息技术服务业")  # noqa: E741
    J = "J", _("金融业")
    K = "K", _("房地产业")
    L = "L", _("租赁和商务服务业")
    M = "M", _("科学研究和技术服务业")
    N = "N", _("水利、环境和公共设施管理业")
    O = "O", _("居民服务、修理和其他服务业")  # noqa: E741
    P = "P", _("教育")
    Q = "Q", _("卫生和社会工作")
    R = "R", _("文化、体育和娱乐业")
    S = "S", _("公共管理、社会保障和社会组织")
    T = "T", _("国际组织")


class EmployerSize(models.TextChoices):
    MICRO = "micro", _("微型")
    SMALL = "small", _("小型")
    MEDIUM = "medium", _("中型")
    LARGE = "large", _("大型")


class Ownership(models.TextChoices):
    STATE = "state", _("国有")
    COLLECTIVE = "collective", _("集体")
    PRIVATE = "private", _("私营")
    FOREIGN = "foreign", _("外商投资")
    HMT = "hmt", _("港澳台投资")
    PUBLIC_INSTITUTION = "public_institution", _("机关事业单位")
    SOCIAL_ORGANISATION = "social_organisation", _("社会组织")
    OTHER = "other", _("其他")


class PlatformKind(models.TextChoices):
    NONE = "", _("非平台企业")
    DELIVERY = "delivery", _("外卖配送")
    EXPRESS = "express", _("快递物流")
    RIDE_HAILING = "ride_hailing", _("网约车")
    FREIGHT = "freight", _("货运")
    OTHER = "other", _("其他平台")
