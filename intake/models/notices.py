"""Written notices: the one-time correction notice (补正) and every issued document.

Documents are rendered by a Celery task (intake.tasks.notice_render) once, stored
with their SHA-256 and a short verification code; the public verification page looks
the code up. A document is never re-rendered differently: rendering skips a notice
that already has its file.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jinpu_portal.files import RandomName
from jinpu_portal.models import Sequence, acting_user, optional_one_to_one

from ..constants import MaterialStatus, NoticeKind, NoticeStatus


class CorrectionNotice(models.Model):
    """补正材料一次性告知书: everything to correct, in one notice (行政许可法 art. 32)."""

    application = models.ForeignKey(
        "intake.Application",
        verbose_name=_("申请"),
        on_delete=models.CASCADE,
        related_name="correction_notices",
    )
    issued_at = models.DateTimeField(_("告知时间"))
    issued_by = acting_user(_("告知人"))
    note = models.TextField(_("其他说明"), blank=True)
    resolved_at = models.DateTimeField(_("补正完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("补正告知")
        verbose_name_plural = _("补正告知")
        ordering = ["application", "issued_at"]

    def __str__(self):
        return f"{self.application} 补正告知 {self.issued_at:%Y-%m-%d}"


class CorrectionItem(models.Model):
    """The verdict on one material when the notice was issued. Materials passed as
    fine (``status`` received/tolerated) may not be named by a later notice."""

    notice = models.ForeignKey(
        CorrectionNotice, verbose_name=_("补正告知"), on_delete=models.CASCADE, related_name="items"
    )
    material = models.ForeignKey(
        "catalog.ItemMaterial", verbose_name=_("材料"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("核验结果"), max_length=16, choices=MaterialStatus.choices)
    reason = models.CharField(_("补正要求"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("补正事项")
        verbose_name_plural = _("补正事项")
        ordering = ["notice", "material__position"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "material"], name="correction_item_unique")
        ]

    def __str__(self):
        return f"{self.material.name}：{self.get_status_display()}"

    @property
    def needs_correction(self) -> bool:
        return self.status in (MaterialStatus.MISSING, MaterialStatus.DEFECTIVE)


class Notice(models.Model):
    """A written, sealed and dated document issued on an application."""

    application = models.ForeignKey(
        "intake.Application",
        verbose_name=_("申请"),
        on_delete=models.PROTECT,
        related_name="notices",
    )
    kind = models.CharField(_("文书类型"), max_length=16, choices=NoticeKind.choices)
    number = models.CharField(_("文书编号"), max_length=40, unique=True)
    issued_at = models.DateTimeField(_("出具时间"))
    issued_by = acting_user(_("出具人"))
    context = models.JSONField(
        _("文书内容"), default=dict, blank=True, help_text=_("生成时冻结的文书数据")
    )
    correction_notice = optional_one_to_one(
        CorrectionNotice, _("补正告知"), related_name="document"
    )
    status = models.CharField(
        _("生成状态"), max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.PENDING
    )
    file = models.FileField(_("PDF 文件"), upload_to=RandomName("intake/notices"), blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    verification_code = models.CharField(_("验证码"), max_length=12, unique=True)
    rendered_at = models.DateTimeField(_("生成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("文书")
        verbose_name_plural = _("文书")
        ordering = ["application", "issued_at", "id"]
        indexes = [
            # notices_render_pending: the few still pending, oldest first.
            models.Index(
                fields=["issued_at"],
                name="notice_pending_idx",
                condition=models.Q(status="pending"),
            )
        ]

    def __str__(self):
        return f"{self.title} {self.number}"

    @property
    def title(self) -> str:
        """The document's own title, which follows the item's legal form (a 公共服务
        item's result is no 准予行政许可决定书; see ``intake.legal_forms``)."""
        return (self.context or {}).get("document_title") or self.get_kind_display()


class DocumentNumberSequence(Sequence):
    """The yearly sequence behind document numbers, one row per document type and year:
    金普SL〔2026〕000001号 is the first 受理通知书 of 2026, 金普BZ〔2026〕000001号 the first
    补正告知书. ``code`` is the type's code in the number (``intake.legal_forms``)."""

    code = models.CharField(_("文书类型代码"), max_length=8)
    year = models.PositiveSmallIntegerField(_("年度"))

    class Meta:
        verbose_name = _("文书编号序列")
        verbose_name_plural = _("文书编号序列")
        constraints = [
            models.UniqueConstraint(fields=["code", "year"], name="document_number_sequence_unique")
        ]

    def __str__(self):
        return f"金普{self.code}〔{self.year}〕 → {self.last_value}"
