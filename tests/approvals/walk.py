"""A case walked through every approvals act, through the real services: routing,
claim, reassign, release, a special procedure, an extension refused and one approved,
a supplement asked and received, 督办 by the sweep, both stages approved (conclusion)
and the hand-over at a window. Shared by the case-record and the citizen-view tests."""

import datetime

from approvals.constants import PauseKind
from approvals.services import tasks as svc
from approvals.services.delivery import delivery_hand_over
from approvals.services.sweep import clock_sweep
from tests.factories import pdf_file

WANG = "11010519491231002X"  # the citizen fixture's ID number


def walk_case(*, case, approver, colleague, head, clerk, citizen, capture):
    task = case.tasks.get()
    svc.task_claim(task=task, actor=approver)
    # Far past every due date: the sweep opens the 督办 records.
    assert clock_sweep(today=datetime.date(2027, 6, 1)).escalated
    svc.task_reassign(task=task, actor=approver, assignee=colleague)
    svc.task_release(task=task, actor=head)
    svc.task_claim(task=task, actor=approver)
    svc.special_procedure_start(
        task=task, actor=approver, kind=PauseKind.INSPECTION, reason="现场检验", expected_days=3
    )
    svc.special_procedure_end(task=task, actor=approver, result="检验合格")
    extension = svc.extension_request(task=task, actor=approver, days=3, reason="情况复杂")
    svc.extension_decide(extension=extension, actor=head, approve=False, note="理由不充分")
    extension = svc.extension_request(task=task, actor=approver, days=3, reason="需现场核查")
    svc.extension_decide(extension=extension, actor=head, approve=True)
    svc.task_request_supplement(task=task, actor=approver, items=["补充租赁合同"])
    svc.supplement_receive(
        application=case, actor=citizen.user, note="已补充合同", files=[(1, pdf_file("合同.pdf"))]
    )
    with capture(execute=True):
        svc.task_approve(task=task, actor=approver, opinion="材料齐全，符合条件。")
        svc.task_approve(task=case.tasks.get(stage=2), actor=approver, opinion="同意。")
    case.refresh_from_db()
    delivery_hand_over(
        delivery=case.delivery, actor=clerk, recipient_name="王芳", recipient_id_number=WANG
    )
    case.refresh_from_db()
    return case
