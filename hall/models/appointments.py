"""Appointments (预约): a half-hour slot of a working day at a hall for one business
category, booked online by a citizen (or by name, mobile and ID number for someone
without an account). The limit per slot is the category's ``appointment_limit``;
``hall.services.appointments`` checks it with the category row locked, so two bookings
of the last place cannot both succeed. The ``code`` (8 characters, no look-alikes) is
what the person types or scans at the kiosk to check in."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.validators import mask_identity_number
from jinpu_portal.models import TimeStampedModel, acting_user, optional_foreign_key

from ..constants import AppointmentStatus


class Appointment(TimeStampedModel):
    hall = models.ForeignKey(
        "accounts.Hall", verbose_name=_("大厅"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        "hall.ServiceCategory",
        verbose_name=_("业务类别"),
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    day = models.DateField(_("预约日期"))
    slot = models.TimeField(_("时段开始"), help_text=_("半小时时段的开始时间，如 09:00"))
    citizen = optional_foreign_key(
        "accounts.Citizen", _("预约人"), on_delete=models.SET_NULL, related_name="+"
    )
    booked_by = acting_user(_("预约账号"))
    name = models.CharField(_("姓名"), max_length=50)
    mobile = models.CharField(_("手机号码"), max_length=20, blank=True)
    id_number = models.CharField(_("公民身份号码"), max_length=18)
    code = models.CharField(_("预约码"), max_length=8, unique=True)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.BOOKED,
    )
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        ordering = ["-day", "slot", "id"]
        constraints = [
            # One live appointment (booked, checked in or late: not cancelled) per
            # person, category and day (``appointment_book`` refuses it first).
            models.UniqueConstraint(
                fields=["category", "day", "id_number"],
                condition=Q(status__in=["booked", "checked_in", "late"]),
                name="hall_appointment_one_per_day",
                violation_error_message=_("您当天已预约该业务（待签到或已签到），请勿重复预约。"),
            ),
        ]
        indexes = [
            models.Index(
                fields=["category", "day", "slot"],
                name="hall_appointment_slot",
                condition=Q(status__in=["booked", "checked_in", "late"]),
            ),
            models.Index(fields=["citizen", "-day"], name="hall_appointment_citizen"),
        ]

    def __str__(self):
        return f"{self.day} {self.slot:%H:%M} {self.category_id}"

    @property
    def masked_id_number(self) -> str:
        return mask_identity_number(self.id_number)
