"""Choices of intake: case statuses and actions, channels, material verdicts, notice
kinds, applicant kinds, delivery methods, intake outcomes and refusal kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    """The life of an application/case. Allowed moves: intake.states.TRANSITIONS."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待预审")
    CORRECTION_REQUESTED = "correction", _("待补正")
    ACCEPTED = "accepted", _("已受理")
    REFUSED = "refused", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")
    IN_APPROVAL = "in_approval", _("审批中")
    SUPPLEMENT_REQUESTED = "supplement", _("审批补正中")
    CONCLUDED = "concluded", _("已办结")
    TERMINATED = "terminated", _("已终止")


OPEN_INTAKE_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.CORRECTION_REQUESTED)
# Statuses in which the application has become a case with a number.
CASE_STATUSES = (
    CaseStatus.ACCEPTED,
    CaseStatus.IN_APPROVAL,
    CaseStatus.SUPPLEMENT_REQUESTED,
    CaseStatus.CONCLUDED,
    CaseStatus.TERMINATED,
)


class CaseAction(models.TextChoices):
    CREATE = "create", _("创建申请")
    SUBMIT = "submit", _("提交申请")
    RECEIVE = "receive", _("窗口收件")
    ACCEPT = "accept", _("受理")
    AUTO_ACCEPT = "auto_accept", _("逾期视为受理")
    REQUEST_CORRECTION = "request_correction", _("一次性告知补正")
    RESUBMIT = "resubmit", _("补正后重新提交")
    REFUSE = "refuse", _("不予受理")
    WITHDRAW = "withdraw", _("撤回申请")
    CONCLUDE_IMMEDIATELY = "conclude_immediately", _("即办办结")
    START_APPROVAL = "start_approval", _("转入审批")
    REQUEST_SUPPLEMENT = "request_supplement", _("审批中要求补正")
    SUPPLEMENT_RECEIVED = "supplement_received", _("收到补正材料")
    CONCLUDE = "conclude", _("办结")
    TERMINATE = "terminate", _("终止办理")
    # Events that do not change the status.
    UPLOAD = "upload", _("上传材料")
    NOTICE_ISSUED = "notice_issued", _("出具文书")
    OVERDUE_WARNING = "overdue_warning", _("预审超时提醒")
    NOTE = "note", _("备注")


class Channel(models.TextChoices):
    COUNTER = "counter", _("综窗办")
    ONLINE = "online", _("网上办")
    KIOSK = "kiosk", _("自助办")


#: What the applicant's own pages (我的申请, the case page) call each channel: the
#: staff's short names (综窗办 …) are the service centre's jargon.
CITIZEN_CHANNEL_LABELS = {
    Channel.COUNTER: _("窗口办理"),
    Channel.ONLINE: _("网上办理"),
    Channel.KIOSK: _("自助办理"),
}


class MaterialStatus(models.TextChoices):
    PENDING = "pending", _("待核验")
    RECEIVED = "received", _("已收取")
    MISSING = "missing", _("缺少")
    DEFECTIVE = "defective", _("有误")
    TOLERATED = "tolerated", _("容缺后补")


class NoticeKind(models.TextChoices):
    RECEIPT = "receipt", _("收件凭证")
    CORRECTION = "correction", _("补正材料一次性告知书")
    ACCEPTANCE = "acceptance", _("受理通知书")
    REFUSAL = "refusal", _("不予受理通知书")
    DELIVERY = "delivery", _("送达回执")
    # Issued by the approvals side on the same document machinery.
    SUPPLEMENT = "supplement", _("审查补正告知书")
    SPECIAL_PROCEDURE = "special", _("特别程序告知书")
    EXTENSION = "extension", _("延长办理期限告知书")
    # Their titles follow the item's legal form (intake.legal_forms): Notice.title.
    APPROVAL_DECISION = "decision", _("准予决定书")
    DENIAL_DECISION = "denial", _("不予决定书")


class NoticeStatus(models.TextChoices):
    PENDING = "pending", _("生成中")
    READY = "ready", _("已生成")
    FAILED = "failed", _("生成失败")


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("个人")
    ENTERPRISE = "enterprise", _("企业")


class DeliveryMethod(models.TextChoices):
    WINDOW = "window", _("窗口领取")
    POST = "post", _("邮寄送达")
    ELECTRONIC = "electronic", _("电子证照下载")


class IntakeOutcome(models.TextChoices):
    """The clerk's conclusion on received materials (受理结论)."""

    ACCEPT = "accept", _("受理")
    CORRECTION = "correction", _("一次性告知补正")
    REFUSE = "refuse", _("不予受理")


class RefusalKind(models.TextChoices):
    NOT_REQUIRED = "not_required", _("不需要取得行政许可")
    OUTSIDE_POWERS = "outside_powers", _("不属于本机关职权范围")
    NOT_ELIGIBLE = "not_eligible", _("不符合受理条件")
    OTHER = "other", _("其他")
