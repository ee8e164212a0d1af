"""The files of a department's supplement (审批补正), kept with the case.

A department's 审查补正告知书 lists items (free text: 补充提交场地租赁合同原件 …); the
applicant answers online with one or more files per item, or a clerk receiving the
supplement at a window attaches the scans. ``supplement_files_add`` is called by the
act that receives the supplement (``approvals.services.tasks.supplement_receive``),
under that act's lock of the case and after its checks: every file is checked first
(the same content check as every upload, ``uploads.check_upload``), and nothing is
stored unless all of them pass.
"""

from collections import Counter

from django.utils import timezone

from accounts.models import User

from ..errors import IntakeError
from ..models import Application, Notice, SupplementFile
from .uploads import check_upload, store_upload

#: Files per item of a supplement, at most.
SUPPLEMENT_FILES_PER_ITEM_MAX = 10


def _checked(files, items: list[str], *, each_item: bool) -> list[tuple[int, object, str]]:
    """[(item number, file, detected type)] of ``files`` ([(item number, file)]),
    refused as a whole (IntakeError, in Chinese) when an item number is not one of the
    notice's, an item has too many files, a file is not a PDF, JPEG or PNG within the
    size limit, or (``each_item``) an item has none."""
    counts = Counter(number for number, _uploaded in files)
    unknown = sorted(number for number in counts if not 1 <= number <= len(items))
    if unknown:
        raise IntakeError(
            "补正告知书中没有第 " + "、".join(map(str, unknown)) + " 项，请刷新页面后重新提交。",
            code="unknown_item",
        )
    for number, count in sorted(counts.items()):
        if count > SUPPLEMENT_FILES_PER_ITEM_MAX:
            raise IntakeError(
                f"第 {number} 项“{items[number - 1]}”选择了 {count} 个文件，"
                f"每项最多 {SUPPLEMENT_FILES_PER_ITEM_MAX} 个，请合并后重新提交。",
                code="too_many",
            )
    if each_item:
        missing = [number for number in range(1, len(items) + 1) if not counts[number]]
        if missing:
            named = "、".join(f"第 {n} 项“{items[n - 1]}”" for n in missing)
            raise IntakeError(
                f"请为每一项补正要求上传材料（可上传多个文件）：{named}还没有选择文件。",
                code="files_missing",
            )
    checked = []
    for number, uploaded in files:
        try:
            mime = check_upload(uploaded)
        except IntakeError as error:
            raise IntakeError(f"第 {number} 项：{error.message}", code=error.code) from None
        checked.append((number, uploaded, mime))
    return checked


def supplement_files_add(
    *,
    application: Application,
    notice: Notice,
    files,
    actor: User,
    channel: str,
    each_item: bool,
) -> list[SupplementFile]:
    """Keep ``files`` ([(item number, uploaded file)], numbers from 1 as the notice
    lists its items) with the case as the answer to ``notice``; for a caller holding
    the case's lock that checked who acts. ``each_item``: every item needs a file (the
    applicant online); a clerk's scans are optional. All or nothing: any refused file
    refuses them all before one is stored."""
    items = list((notice.context or {}).get("supplement_items") or [])
    checked = _checked(list(files), items, each_item=each_item)
    rows = []
    arrived = timezone.now()  # one supplement, one time: the pages group its files by it
    try:
        for number, uploaded, mime in checked:
            row = SupplementFile(
                application=application,
                notice=notice,
                item=number,
                item_text=items[number - 1][:200],
                channel=channel,
                uploaded_by=actor,
            )
            store_upload(row, uploaded, mime=mime)
            row.uploaded_at = arrived
            rows.append(row)
        return SupplementFile.objects.bulk_create(rows)
    except Exception:
        # Nothing half-kept: the files stored before a failure go with the rows.
        for row in rows:
            row.file.storage.delete(row.file.name)
        raise
