from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日（休息）")
    WORKDAY = "workday", _("调休上班")


class CalendarSource(models.TextChoices):
    PACKAGE = "package", _("chinesecalendar 数据包")
    ADMIN = "admin", _("管理员录入")
