"""The hand-computed week of the supervision tests (the ``week`` fixture of tests/conftest.py,
used by tests/supervision and the supervisor's browser walk)."""

import datetime
from types import SimpleNamespace


def build_week(at):
    """The week of Monday 2 November 2026 at the 金普厅, item 审查事项 of the 审批局
    (承诺件, promised 2 working days, statutory 20), and an item of the 市场监管局:

    - case A: received and accepted at window 1 on Mon 2 Nov, concluded Tue 3 Nov
      (due Wed 4 Nov: early; 1 working day);
    - case B: received and accepted Mon 2 Nov, concluded Fri 6 Nov (overdue; 4 working
      days; its result then fetched at a window on Mon 9 Nov: a second visit);
    - case C: received and accepted Mon 2 Nov, still open;
    - case D: applied for online on Tue 3 Nov, refused at the window the same day;
    - case E (市场监管局): received at window 1 on Wed 4 Nov, told to correct (补正).

    Users: a district-wide supervisor, one watching the 审批局 only, the 审批局's
    approver, the clerk."""
    from intake.constants import MaterialStatus, RefusalKind
    from intake.services.cases import intake_refuse, intake_request_correction
    from tests.factories import (
        _first_material,
        _submitted,
        accept_case,
        counter_draft,
        department,
        make_approver,
        make_citizen,
        make_clerk,
        make_supervisor,
        make_version,
        start_online,
    )
    from tests.feedback.orders_support import conclude

    at(2026, 11, 2, 9)
    spj = department("SPJ", "金普新区行政审批局")
    scj = department("SCJ", "金普新区市场监督管理局")
    version = make_version(department=spj, steps=[(1, "审查", spj, 2)], promised=2, statutory=20)
    other_version = make_version(department=scj, steps=[(1, "审查", scj, 5)])
    clerk = make_clerk("JP", 1, username="jp-clerk")
    approver = make_approver(spj, username="spj-approver")
    district = make_supervisor(username="district-supervisor")
    watcher = make_supervisor(spj, username="spj-supervisor")
    citizen = make_citizen("张明")

    at(2026, 11, 2, 10)
    a = accept_case(version, clerk=clerk, applicant=citizen)
    b = accept_case(version, clerk=clerk, applicant=citizen)
    c = accept_case(version, clerk=clerk, applicant=citizen)
    at(2026, 11, 3, 11)
    a = conclude(a, approver)
    d = start_online(version, citizen)
    _submitted(d, citizen.user)
    intake_refuse(
        application=d, actor=clerk, kind=RefusalKind.NOT_ELIGIBLE, reason="申请人不符合法定条件。"
    )
    at(2026, 11, 4, 9)
    e = counter_draft(clerk, citizen, other_version)
    from intake.services.cases import counter_receive

    counter_receive(application=e, actor=clerk)
    intake_request_correction(
        application=e,
        actor=clerk,
        verdicts=[{"material": _first_material(e).material_id, "status": MaterialStatus.MISSING}],
    )
    at(2026, 11, 6, 15)
    b = conclude(b, approver)
    for case in (a, b, c, d, e):
        case.refresh_from_db()
    return SimpleNamespace(
        spj=spj,
        scj=scj,
        version=version,
        other_version=other_version,
        clerk=clerk,
        approver=approver,
        district=district,
        watcher=watcher,
        citizen=citizen,
        a=a,
        b=b,
        c=c,
        d=d,
        e=e,
        monday=datetime.date(2026, 11, 2),
        friday=datetime.date(2026, 11, 6),
    )
