"""Counter pads (评价器): tablets facing the citizen, each bound to one window.

A pad is a device, not a person: it never logs in. It is created for a window by a
system administrator (admin) or by the clerk at that window, with a long random device
key that is shown once and stored only as its SHA-256 hash (the key carries 256 random
bits, so a fast hash is enough, as for API tokens). The tablet opens the bind page once
with the key and keeps it in a signed, HttpOnly cookie; every request of the pad finds
its row by the hash (a unique index). Revoking a pad (admin, or the clerk at its
window) refuses its key at once, everywhere.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jinpu_portal.models import TimeStampedModel, acting_user


class Pad(TimeStampedModel):
    window = models.ForeignKey(
        "accounts.Window",
        verbose_name=_("窗口"),
        on_delete=models.PROTECT,
        related_name="pads",
    )
    name = models.CharField(_("名称"), max_length=50, blank=True, help_text=_("如：1 号窗口评价器"))
    key_hash = models.CharField(
        _("设备密钥摘要"), max_length=64, unique=True, editable=False, help_text=_("SHA-256")
    )
    created_by = acting_user(_("登记人"), on_delete=models.SET_NULL)
    revoked_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    revoked_by = acting_user(_("停用人"), on_delete=models.SET_NULL)
    last_seen_at = models.DateTimeField(
        _("最近在线"),
        null=True,
        blank=True,
        help_text=_("评价器最近一次请求的时间（每分钟记录一次）"),
    )

    class Meta:
        verbose_name = _("评价器")
        verbose_name_plural = _("评价器")
        ordering = ["window__hall__code", "window__number", "-created_at"]

    def __str__(self):
        return self.name or f"{self.window} 评价器"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
