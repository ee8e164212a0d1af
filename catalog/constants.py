"""Choices of the catalog (GB/T 39046-2020): item and case types, channels, themes,
version statuses, materials and calendar days."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日（休息）")
    WORKDAY = "workday", _("调休上班")


class CalendarSource(models.TextChoices):
    PACKAGE = "package", _("chinesecalendar 数据包")
    ADMIN = "admin", _("管理员录入")


class ItemType(models.TextChoices):
    """事项类型 (GB/T 39046-2020 code table)."""

    LICENSING = "01", _("行政许可")
    PENALTY = "02", _("行政处罚")
    COERCION = "03", _("行政强制")
    LEVY = "04", _("行政征收")
    PAYMENT = "05", _("行政给付")
    INSPECTION = "06", _("行政检查")
    CONFIRMATION = "07", _("行政确认")
    REWARD = "08", _("行政奖励")
    ADJUDICATION = "09", _("行政裁决")
    OTHER_POWER = "10", _("其他行政权力")
    PUBLIC_SERVICE = "20", _("公共服务")


class CaseType(models.TextChoices):
    """办件类型: decided on the spot, or within the promised time."""

    IMMEDIATE = "1", _("即办件")
    PROMISED = "2", _("承诺件")


class ImplementerNature(models.TextChoices):
    STATUTORY = "1", _("法定机关")
    AUTHORIZED = "2", _("授权组织")
    ENTRUSTED = "3", _("受委托组织")


class ServiceObject(models.TextChoices):
    PERSON = "1", _("自然人")
    ENTERPRISE = "2", _("企业法人")
    INSTITUTION = "3", _("事业法人")
    SOCIAL_ORG = "4", _("社会组织法人")
    GOVERNMENT = "5", _("行政机关")
    OTHER = "9", _("其他组织")


PERSON_OBJECTS = {ServiceObject.PERSON}
LEGAL_OBJECTS = {
    ServiceObject.ENTERPRISE,
    ServiceObject.INSTITUTION,
    ServiceObject.SOCIAL_ORG,
    ServiceObject.GOVERNMENT,
    ServiceObject.OTHER,
}


class Channel(models.TextChoices):
    WINDOW = "window", _("窗口办理")
    PC = "pc", _("电脑端网办")
    MOBILE = "mobile", _("移动端")
    POST = "post", _("快递申请")


class TongbanScope(models.TextChoices):
    """通办范围: where else the item can be applied for."""

    NONE = "", _("无")
    NATIONAL = "national", _("全国通办")
    CROSS_PROVINCE = "cross_province", _("跨省通办")
    CROSS_CITY = "cross_city", _("跨市通办")
    CROSS_COUNTY = "cross_county", _("跨县通办")
    CITY = "city", _("全市通办")
    DISTRICT = "district", _("全域通办")


class OnlineDepth(models.IntegerChoices):
    """网上办理深度."""

    INFO = 1, _("一级：网上发布信息")
    DOWNLOAD = 2, _("二级：网上下载表格")
    PRE_REVIEW = 3, _("三级：网上预审")
    FULL = 4, _("四级：全程网办")


class Theme(models.TextChoices):
    BUSINESS_START = "business_start", _("企业开办")
    CONSTRUCTION = "construction", _("工程建设")
    UTILITIES = "utilities", _("水电气报装")
    EMPLOYMENT = "employment", _("就业创业")
    SOCIAL_SECURITY = "social_security", _("社会保障")
    HEALTH = "health", _("医疗卫生")
    EDUCATION = "education", _("教育")
    CIVIL_AFFAIRS = "civil_affairs", _("民政服务")
    HOUSEHOLD = "household", _("户籍证件")
    TAX = "tax", _("税务")
    TRANSPORT = "transport", _("交通出行")
    CULTURE_TOURISM = "culture_tourism", _("文化旅游")
    AGRICULTURE = "agriculture", _("农业农村")
    ENVIRONMENT = "environment", _("生态环境")
    MARKET = "market", _("市场监管")
    SAFETY = "safety", _("安全生产")
    VETERANS = "veterans", _("退役军人")
    OTHER = "other", _("其他")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("已停用")


class MaterialRequirement(models.TextChoices):
    """必要性."""

    REQUIRED = "required", _("必要")
    OPTIONAL = "optional", _("非必要")


class MaterialSource(models.TextChoices):
    APPLICANT = "applicant", _("申请人自备")
    GOVERNMENT = "government", _("政府部门核发")
    INTERMEDIARY = "intermediary", _("中介机构出具")
    OTHER = "other", _("其他")


class CatalogEventAction(models.TextChoices):
    DRAFT_CREATED = "draft_created", _("创建草稿")
    PUBLISHED = "published", _("发布")
    RETIRED = "retired", _("停用")
    IMPORTED = "imported", _("Excel 导入")


# 受理地点与联系方式: the version's fields of this part of the service guide, in the guide's
# order. The admin's fieldset and the API's item detail both list them from here.
GUIDE_CONTACT_FIELDS = (
    "accepting_halls",
    "accepting_units",
    "location",
    "office_hours",
    "consult_phone",
    "complaint_phone",
)
