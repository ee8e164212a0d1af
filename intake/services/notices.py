"""Issuing written notices. The row and its frozen content are written in the
caller's transaction; the PDF is rendered after commit by ``intake.tasks.notice_render``
(off the request path), once, and stored with its SHA-256 and a verification code."""

import datetime
import logging
import secrets

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import select_template
from django.urls import reverse
from django.utils import timezone

from catalog.constants import CaseType
from jinpu_portal.dates import date_text, datetime_text
from jinpu_portal.db import insert
from jinpu_portal.pdf import absolute_url, qr_data_uri, render_pdf, sha256_hex

from ..constants import CaseAction, Channel, MaterialStatus, NoticeStatus
from ..legal_forms import document_code, legal_context
from ..models import Application, CorrectionNotice, Notice
from ..signals import notice_rendered
from ..states import record_event
from .numbering import document_number_next
from .slots import slots_of

logger = logging.getLogger(__name__)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def received_form(slot) -> str:
    """What was actually received of a material, in the notices' 收取形式 column: 电子
    (an upload), 纸质原件 N 份 and 复印件 N 份 (paper handed over), or 容缺 with its due
    date; never "原件 0 份" for an online upload, nor an original for a 容缺 material."""
    if slot.status == MaterialStatus.TOLERATED:
        due = slot.tolerance_due_date
        return f"容缺（待补交，截止日期{date_text(due)}）" if due else "容缺（待补交）"
    if slot.status in (MaterialStatus.PENDING, MaterialStatus.MISSING):
        return "未提交"
    parts = ["电子"] if slot.file else []
    if slot.originals_received:
        parts.append(f"纸质原件 {slot.originals_received} 份")
    if slot.copies_received:
        parts.append(f"复印件 {slot.copies_received} 份")
    return "、".join(parts) or "未提交"


def notice_context(application: Application, kind: str, extra: dict | None) -> dict:
    """The content of a notice, frozen as JSON when it is issued. The applicant holds the
    notice: it names the window, never the clerk (``Notice.issued_by`` keeps who, for
    staff)."""
    version = application.item_version
    department = version.department
    materials = [
        {
            "name": slot.material.name,
            "status": slot.status,
            "status_label": str(MaterialStatus(slot.status).label),
            "form": received_form(slot),
            "originals": slot.originals_received,
            "copies": slot.copies_received,
            "reason": slot.defect_reason,
            "tolerance_due_date": slot.tolerance_due_date.isoformat()
            if slot.tolerance_due_date
            else "",
            "tolerance_due_text": date_text(slot.tolerance_due_date)
            if slot.tolerance_due_date
            else "",
        }
        for slot in slots_of(application)
    ]
    now = timezone.localtime()
    return {
        "item_name": version.name,
        "item_code": version.item.code,
        "item_version": version.number,
        "department": department.name,
        "department_phone": department.phone,
        "applicant_name": application.applicant_name,
        "applicant_person": application.applicant.name,
        "applicant_id_masked": application.applicant.masked_id_number,
        "case_number": application.case_number or "",
        "application_id": application.pk,
        "channel": str(Channel(application.channel).label),
        "hall": application.hall.name if application.hall_id else "",
        "window": str(application.window) if application.window_id else "",
        "hall_phone": application.hall.phone if application.hall_id else "",
        "issued_at": datetime_text(now),
        "issued_date": date_text(now),
        "submitted_date": date_text(application.submitted_at) if application.submitted_at else "",
        "received_at": datetime_text(application.received_at) if application.received_at else "",
        "accepted_at": datetime_text(application.accepted_at) if application.accepted_at else "",
        "accepted_date": date_text(application.accepted_at) if application.accepted_at else "",
        "auto_accepted": application.auto_accepted,
        "promised_days": version.promised_limit_days,
        "statutory_days": version.statutory_limit_days,
        "promised_due_date": date_text(application.promised_due_date)
        if application.promised_due_date
        else "",
        "case_type": str(CaseType(version.case_type).label),
        "consult_phone": version.consult_phone or department.phone,
        "complaint_phone": version.complaint_phone or "8890",
        "materials": materials,
        **legal_context(kind, version.item_type, version.legal_basis, version.result_name),
        **(extra or {}),
    }


def notice_number_assign(notice: Notice) -> None:
    """Give ``notice`` the next number of its type and year (金普SL〔2026〕000001号), from
    its type's own sequence (``numbering.document_number_next``): the sequence row stays
    locked until the transaction ends."""
    item_type = notice.application.item_version.item_type
    notice.number = document_number_next(
        code=document_code(notice.kind, item_type),
        year=timezone.localtime(notice.issued_at).year,
    )
    event = getattr(notice, "issued_event", None)
    if event is not None:
        event.details["notice"] = notice.number


def notice_issue(
    *,
    application: Application,
    kind: str,
    actor,
    correction_notice: CorrectionNotice | None = None,
    extra: dict | None = None,
    number_later: bool = False,
    department=None,
) -> Notice:
    """Create the notice row (inside the caller's transaction) and queue its rendering.

    The number comes from the type's yearly sequence, whose row stays locked until the
    commit, so it is taken at once unless ``number_later``: then the row is not written
    here. The caller calls ``notice_number_assign(notice)`` at the end of its
    ``case_writes`` block (where the NOTICE_ISSUED event still waits to be written) and
    inserts the row itself once it holds its number (``intake_accept`` does, with the
    case number in its context: one INSERT, not an INSERT and an UPDATE); the rendering
    queued here reads the key at the commit. ``department``: the issuing department
    when it is not the window (an approvals notice), for the case record."""
    code = new_verification_code()
    notice = Notice(
        application=application,
        kind=kind,
        number=code,  # a unique placeholder until the number is taken
        issued_at=timezone.now(),
        issued_by=actor,
        correction_notice=correction_notice,
        context=notice_context(application, kind, extra),
        verification_code=code,
    )
    if not number_later:
        notice_number_assign(notice)
        insert([notice])
    event = record_event(
        application,
        CaseAction.NOTICE_ISSUED,
        actor=actor,
        message=f"出具《{notice.title}》",
        department=department,
        notice=notice.number,
    )
    if number_later:
        if event.pk is not None:
            raise RuntimeError("number_later needs a case_writes block around the issue.")
        notice.issued_event = event
    from ..tasks import notice_render

    # robust: with the broker down the acceptance stands and the notice waits, pending,
    # for ``notices_render_pending``; the applicant gets no error for a committed act.
    transaction.on_commit(lambda: notice_render.delay(notice.pk), robust=True)
    return notice


def notices_render_pending(*, older_than=datetime.timedelta(minutes=2), limit=200) -> int:
    """Render the notices still pending ``older_than`` after they were issued: their
    message was lost (the broker was down at the commit) or their worker died. Beat runs
    it every few minutes (``intake.notices_render_pending``); rendering is idempotent.
    Returns how many were rendered; one that fails is logged and tried again next time."""
    cutoff = timezone.now() - older_than
    pending = (
        Notice.objects.filter(status=NoticeStatus.PENDING, issued_at__lt=cutoff)
        .order_by("issued_at")
        .values_list("pk", flat=True)[:limit]
    )
    rendered = 0
    for pk in list(pending):
        try:
            notice_render(notice_id=pk)
        except Exception:
            logger.exception("Notice %s could not be rendered", pk)
        else:
            rendered += 1
    return rendered


def notice_verify_url(notice: Notice) -> str:
    return absolute_url(reverse("intake:verify", args=[notice.verification_code]))


def to_correct(materials: list[dict]) -> list[dict]:
    """The materials a correction notice lists (missing or defective), in the notice's
    order: its table numbers them 1, 2, 3 …, not by their place among all the item's
    materials."""
    wanted = (MaterialStatus.MISSING, MaterialStatus.DEFECTIVE)
    return [m for m in materials if m.get("status") in wanted]


def notice_render_pdf(notice: Notice) -> bytes:
    template = select_template(
        [f"documents/intake/{notice.kind}.html", "documents/intake/generic.html"]
    )
    context = notice.context
    if "legal" not in context:  # issued before the legal wording was frozen with it
        version = notice.application.item_version
        legal = legal_context(
            notice.kind, version.item_type, version.legal_basis, version.result_name
        )
        context = {**legal, **context}
    return render_pdf(
        template.template.name,
        {
            "notice": notice,
            "kind_label": notice.title,
            "c": context,
            "to_correct": to_correct(context.get("materials", [])),
            "qr": qr_data_uri(notice_verify_url(notice)),
            "verify_url": notice_verify_url(notice),
            "seal_text": notice.context.get("department", ""),
        },
    )


def notice_render(*, notice_id: int) -> Notice:
    """Render once: a notice that already has its file is left as it is (idempotent)."""
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice_id)
        if notice.status == NoticeStatus.READY and notice.file:
            return notice
    content = notice_render_pdf(notice)
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice_id)
        if notice.status == NoticeStatus.READY and notice.file:
            return notice
        notice.file.save(f"{notice.verification_code}.pdf", ContentFile(content), save=False)
        notice.sha256 = sha256_hex(content)
        notice.status = NoticeStatus.READY
        notice.rendered_at = timezone.now()
        notice.save(update_fields=["file", "sha256", "status", "rendered_at"])
        notice_rendered.send(sender=Notice, notice=notice)
    return notice
