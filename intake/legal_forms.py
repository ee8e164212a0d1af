"""The legal form of a case's documents, by the item's type: one table (``FORMS``).

A 行政许可 is accepted, refused and decided under the 行政许可法 (art. 32 at intake, art.
38 for a denial, 42 and 45 for an extension and for time not counted), and decided by a
准予 / 不予行政许可决定书. The other administrative acts (行政确认, 行政给付, 行政奖励 and the
rest) are decided by the organ under the item's own legal basis, with their own
decision titles. All administrative acts can be challenged: refusals and denials name
the body for administrative reconsideration (行政复议) and the court for litigation
(行政诉讼), from the settings, with the statutory limits. A 公共服务 item (e.g. a water
connection by the water company) is no administrative act: its documents cite no 行政许可法,
its provider speaks as 本单位, and an applicant who disagrees is told where to complain.

Each notice freezes the sentences it needs (``legal_context``) into its context when it
is issued, so a stored document renders as it was issued even if this table changes.
"""

from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings

from catalog.constants import ItemType

from .constants import NoticeKind

LICENSING_LAW = "《中华人民共和国行政许可法》"
# 行政复议法 (2023) art. 20: 60 days; 行政诉讼法 art. 46: six months.
REVIEW_DAYS = 60
LAWSUIT_MONTHS = 6


class Outcome(NamedTuple):
    title: str  # "" = "<the item's result name>通知书"
    code: str  # the type code in the document number (金普XK〔2026〕000001号)
    verdict: str


@dataclass(frozen=True)
class LegalForm:
    act: str  # what the decision is, in the documents' words
    administrative: bool  # an administrative act: reconsideration and litigation apply
    approve: Outcome
    deny: Outcome

    @property
    def licensing(self) -> bool:
        return self.act == "行政许可"

    @property
    def issuer(self) -> str:
        return "本机关" if self.administrative else "本单位"


def _form(act, administrative, approve, deny) -> LegalForm:
    return LegalForm(act, administrative, Outcome(*approve), Outcome(*deny))


# 行政处罚, 强制, 征收, 检查, 裁决 and 其他行政权力: a decision of the organ.
ADMINISTRATIVE = _form(
    "行政决定", True, ("准予办理决定书", "BL", "准予办理"), ("不予办理决定书", "BBL", "不予办理")
)
FORMS: dict[str, LegalForm] = {
    ItemType.LICENSING: _form(
        "行政许可",
        True,
        ("准予行政许可决定书", "XK", "准予行政许可"),
        ("不予行政许可决定书", "BXK", "不予行政许可"),
    ),
    ItemType.CONFIRMATION: _form(
        "行政确认",
        True,
        ("行政确认决定书", "QR", "予以确认"),
        ("不予行政确认决定书", "BQR", "不予确认"),
    ),
    ItemType.PAYMENT: _form(
        "行政给付",
        True,
        ("行政给付决定书", "JF", "准予给付"),
        ("不予行政给付决定书", "BJF", "不予给付"),
    ),
    ItemType.REWARD: _form(
        "行政奖励",
        True,
        ("行政奖励决定书", "JL", "予以奖励"),
        ("不予行政奖励决定书", "BJL", "不予奖励"),
    ),
    ItemType.PUBLIC_SERVICE: _form(
        "公共服务", False, ("", "BJ", "予以办理"), ("不予办理告知书", "BBJ", "不予办理")
    ),
}

# Document number codes of the notices whose form does not depend on the item type.
KIND_CODES = {
    NoticeKind.RECEIPT: "SJ",
    NoticeKind.CORRECTION: "BZ",
    NoticeKind.ACCEPTANCE: "SL",
    NoticeKind.REFUSAL: "BSL",
    NoticeKind.DELIVERY: "SD",
    NoticeKind.SUPPLEMENT: "SCBZ",
    NoticeKind.SPECIAL_PROCEDURE: "TB",
    NoticeKind.EXTENSION: "YQ",
}


def legal_form(item_type: str) -> LegalForm:
    return FORMS.get(item_type, ADMINISTRATIVE)


def document_code(kind: str, item_type: str) -> str:
    """The type code in a document's number: a decision's follows the item's form."""
    form = legal_form(item_type)
    if kind == NoticeKind.APPROVAL_DECISION:
        return form.approve.code
    if kind == NoticeKind.DENIAL_DECISION:
        return form.deny.code
    return KIND_CODES[kind]


def document_title(kind: str, item_type: str, result_name: str = "") -> str:
    form = legal_form(item_type)
    if kind == NoticeKind.APPROVAL_DECISION:
        return form.approve.title or f"{result_name or '办理结果'}通知书"
    if kind == NoticeKind.DENIAL_DECISION:
        return form.deny.title
    return str(NoticeKind(kind).label)


def remedies(form: LegalForm) -> dict:
    """How the applicant challenges a refusal or denial: reconsideration and litigation
    for an administrative act (the bodies from the settings), a complaint otherwise."""
    if not form.administrative:
        return {"administrative": False}
    return {
        "administrative": True,
        "review_days": REVIEW_DAYS,
        "review_body": settings.REMEDY_RECONSIDERATION_BODY,
        "lawsuit_months": LAWSUIT_MONTHS,
        "court": settings.REMEDY_LITIGATION_COURT,
    }


def legal_context(kind: str, item_type: str, legal_basis: str, result_name: str = "") -> dict:
    """The title and the legal sentences of a notice of ``kind`` on an item of
    ``item_type``, frozen into its context. Each ``*_basis`` is a clause that ends with
    "，" (or is empty) and is followed by what the issuer decides."""
    form = legal_form(item_type)
    own_basis = f"根据{legal_basis}的规定，" if legal_basis else ""
    if form.licensing:
        intake_basis = deemed_basis = f"根据{LICENSING_LAW}第三十二条的规定，"
        correction_basis = f"根据{LICENSING_LAW}第三十二条第一款第（四）项的规定，"
        deny_basis = f"根据{LICENSING_LAW}第三十八条第二款的规定，"
        extension_basis = f"根据{LICENSING_LAW}第四十二条的规定，经本行政机关负责人批准，"
        # 统一办理、联合办理、集中办理 (联办): the government's head approves (art. 42).
        joint_extension_basis = f"根据{LICENSING_LAW}第四十二条的规定，经本级人民政府负责人批准，"
        special_basis = f"根据{LICENSING_LAW}第四十五条的规定，"
        time_limit = "行政许可的期限"
    else:
        intake_basis = own_basis if form.administrative else ""
        deemed_basis = ""  # local practice, not a statute
        correction_basis = ""
        deny_basis = own_basis
        extension_basis = f"经{'本行政机关' if form.administrative else '本单位'}负责人批准，"
        joint_extension_basis = "经本级人民政府负责人批准，"
        special_basis = ""
        time_limit = "办理时限"
    return {
        "document_title": document_title(kind, item_type, result_name),
        "legal": {
            "act": form.act,
            "item_type": str(ItemType(item_type).label) if item_type in ItemType.values else "",
            "licensing": form.licensing,
            "issuer": form.issuer,
            "intake_basis": intake_basis,
            "deemed_basis": deemed_basis,
            "correction_basis": correction_basis,
            "deny_basis": deny_basis,
            "extension_basis": extension_basis,
            "joint_extension_basis": joint_extension_basis,
            "special_basis": special_basis,
            "time_limit": time_limit,
            "approve_verdict": form.approve.verdict,
            "deny_verdict": form.deny.verdict,
            "prereview_days": settings.INTAKE_PREREVIEW_LIMIT_DAYS,
            "remedies": remedies(form),
        },
    }


def deemed_acceptance_rule(
    item_type: str, *, online: bool | None = None, happened: bool = False
) -> str:
    """The deemed-acceptance rule (逾期视为受理) as the applicant and the case record read
    it, with the limit from ``INTAKE_PREREVIEW_LIMIT_DAYS``: art. 32 is cited for a
    行政许可 only; the other forms follow the same limit as the hall's own practice and
    cite no statute. ``online`` names the channel (None: any); ``happened`` states it
    of one case ("……未予预审，……即为受理") instead of as a rule ("……未予预审的，……")."""
    source = {True: "网上申请", False: "窗口收取的申请", None: "申请"}[online]
    basis = f"依{LICENSING_LAW}第三十二条，" if legal_form(item_type).licensing else ""
    return (
        f"{source}自收到申请材料之日起 {settings.INTAKE_PREREVIEW_LIMIT_DAYS} 个工作日内"
        f"未予预审{'' if happened else '的'}，{basis}自收到申请材料之日起即为受理"
    )
