"""The comprehensive window's counter (综窗办): find or register the applicant, tick off
the materials, and accept, send back once for correction, or refuse. Each refused
form leaves nothing behind."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Citizen, Enterprise
from catalog.calendar import add_working_days
from intake.constants import (
    CaseAction,
    CaseStatus,
    Channel,
    MaterialStatus,
    NoticeKind,
    RefusalKind,
)
from intake.errors import IntakeError, IntakePermissionDenied
from intake.models import Application, CaseEvent, CorrectionItem, Notice
from intake.services.cases import (
    counter_receive,
    intake_accept,
    intake_refuse,
    intake_request_correction,
)
from tests.factories import (
    UserFactory,
    all_received,
    counter_draft,
    held_at_window,
    materials_of,
    resubmit_with,
    submit_online,
    verdict,
)

COUNTER = "/intake/workbench/counter/"


def intake_url(version, citizen, enterprise=None):
    url = reverse("intake:workbench-intake", args=[version.pk]) + f"?applicant={citizen.pk}"
    return url + (f"&enterprise={enterprise.pk}" if enterprise else "")


def form_data(version, outcome="accept", overrides=None, **extra):
    """The intake form as a clerk would post it: every material received as the
    catalog asks, unless ``overrides`` (material name -> field dict) says otherwise."""
    data = {"outcome": outcome, "delivery_method": "window", **extra}
    for material in version.materials.all():
        prefix = f"m{material.pk}-"
        values = {
            "status": MaterialStatus.RECEIVED if material.requirement == "required" else "pending",
            "originals": material.originals,
            "copies": material.copies,
        }
        values.update((overrides or {}).get(material.name, {}))
        data.update({prefix + key: value for key, value in values.items()})
    return data


def post_intake(client, clerk, version, citizen, **form):
    """``clerk`` posts the intake form of ``version`` for ``citizen`` (``form_data``)."""
    client.force_login(clerk)
    return client.post(intake_url(version, citizen), form_data(version, **form))


def nothing_saved():
    assert Application.objects.count() == 0
    assert Notice.objects.count() == 0
    assert CaseEvent.objects.count() == 0


# --- applicant ------------------------------------------------------------------


def test_clerk_finds_a_registered_applicant_with_the_full_number(client, clerk, applicant):
    client.force_login(clerk)
    response = client.get(COUNTER, {"kind": "person", "id_number": "360426199101010071"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "李华" in html
    assert "360426199101010071" in html  # unmasked: the clerk checks it against the card
    response = client.post(COUNTER, {"kind": "person", "id_number": "360426199101010071"})
    assert response.status_code == 302
    assert f"applicant={applicant.pk}" in response["Location"]


def test_full_width_number_at_the_counter_meets_the_same_person(client, clerk, applicant):
    """Typed with full-width digits and spaces (an IME left on), the number is the
    applicant's: found, not registered a second time."""
    client.force_login(clerk)
    typed = "３６０４２６　１９９１０１０１ ００７１"
    response = client.post(COUNTER, {"kind": "person", "id_number": typed})
    assert response.status_code == 302
    assert f"applicant={applicant.pk}" in response["Location"]
    assert Citizen.objects.count() == 1


def test_clerk_registers_a_new_person_and_enterprise(client, clerk):
    client.force_login(clerk)
    response = client.post(
        COUNTER,
        {
            "kind": "enterprise",
            "id_number": "44011320141005001x",
            "credit_code": "91310000631696382c",
            "person-name": "周杰",
            "person-phone": "13900001111",
            "org-name": "大连窗口登记有限公司",
            "org-legal_representative": "周杰",
        },
    )
    assert response.status_code == 302
    citizen = Citizen.objects.get(id_number="44011320141005001X")
    enterprise = Enterprise.objects.get(credit_code="91310000631696382C")
    assert citizen.user is None
    assert f"applicant={citizen.pk}&enterprise={enterprise.pk}" in response["Location"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"id_number": "110105194912310021"}, "公民身份号码校验位错误：最后一位应为 X。"),
        ({"id_number": "11010519491231002"}, "公民身份号码长度错误"),
        (
            {"kind": "enterprise", "credit_code": "91110000600037341A"},
            "统一社会信用代码校验位错误：最后一位应为 L。",
        ),
        ({"kind": "enterprise", "credit_code": ""}, "企业申请请填写统一社会信用代码。"),
        ({"person-phone": "12345"}, "手机号码格式错误"),
    ],
)
def test_bad_identity_is_refused_in_chinese_and_nothing_is_registered(
    client, clerk, fields, message
):
    client.force_login(clerk)
    data = {
        "kind": "person",
        "id_number": "11010519491231002X",
        "credit_code": "91110000600037341L",
        "person-name": "王五",
        "person-phone": "13900002222",
        "org-name": "某公司",
        "org-legal_representative": "王五",
        **fields,
    }
    response = client.post(COUNTER, data)
    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    assert Citizen.objects.count() == 0
    assert Enterprise.objects.count() == 0


def test_item_search_lists_published_items(client, clerk, applicant, item):
    client.force_login(clerk)
    response = client.get(
        reverse("intake:workbench-items"), {"applicant": applicant.pk, "q": "食品经营"}
    )
    assert response.status_code == 200
    assert intake_url(item, applicant).replace("&", "&amp;") in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "请先核验申请人身份，再选择事项。"),
        ("?applicant=999999", "未找到该申请人，请重新核验申请人身份。"),
        ("?applicant=abc", "未找到该申请人，请重新核验申请人身份。"),
    ],
)
def test_steps_2_and_3_without_an_applicant_go_back_to_step_1(
    client, clerk, item, bundle, query, message
):
    """Not a bare 404: the clerk lands on the applicant lookup, told why."""
    client.force_login(clerk)
    for url in (
        reverse("intake:workbench-items"),
        reverse("intake:workbench-intake", args=[item.pk]),
        reverse("intake:workbench-bundle", args=[bundle.pk]),
    ):
        response = client.get(url + query, follow=True)
        assert response.redirect_chain == [(COUNTER, 302)], url
        assert message in response.content.decode(), url


# --- outcomes at the counter -------------------------------------------------------


def test_counter_accept_in_one_step(client, clerk, applicant, item):
    response = post_intake(
        client,
        clerk,
        item,
        applicant,
        green_channel="on",
        assisted="on",
        by_agent="on",
        agent_id_number="44011320141005001X",
        agent_name="代办人赵",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    application = Application.objects.get()
    # Accepted, and handed to the approvals side in the same transaction.
    assert application.status in (CaseStatus.ACCEPTED, CaseStatus.IN_APPROVAL)
    assert application.channel == Channel.COUNTER
    assert application.case_number.startswith(f"JP{timezone.localdate():%Y%m%d}")
    assert application.window.number == 3
    assert (application.green_channel, application.assisted, application.by_agent) == (
        True,
        True,
        True,
    )
    assert application.agent.name == "代办人赵"
    assert application.promised_due_date == add_working_days(timezone.localdate(), 10)
    kinds = list(application.notices.order_by("id").values_list("kind", flat=True))
    assert kinds == [NoticeKind.RECEIPT, NoticeKind.ACCEPTANCE]
    receipt = application.notices.get(kind=NoticeKind.RECEIPT)
    counts = {m["name"]: (m["originals"], m["copies"]) for m in receipt.context["materials"]}
    assert counts["场地使用证明"] == (1, 1)
    actions = list(application.events.values_list("action", flat=True))
    assert actions[:3] == ["create", "receive", "notice_issued"]
    assert "accept" in actions
    page = client.get(response["Location"]).content.decode()
    assert application.case_number in page
    assert "受理通知书" in page


def test_counter_accept_with_tolerance(client, clerk, applicant, item):
    client.force_login(clerk)
    due = add_working_days(timezone.localdate(), 5)
    response = client.post(
        intake_url(item, applicant),
        form_data(
            item,
            overrides={
                "场地使用证明": {
                    "status": MaterialStatus.TOLERATED,
                    "originals": 0,
                    "copies": 0,
                    "pledge_signed": "on",
                    "tolerance_due_date": due.isoformat(),
                }
            },
        ),
    )
    assert response.status_code == 302
    application = Application.objects.get()
    slot = application.materials.get(material__name="场地使用证明")
    assert (slot.status, slot.tolerance_due_date, slot.pledge_signed) == ("tolerated", due, True)
    acceptance = application.notices.get(kind=NoticeKind.ACCEPTANCE)
    tolerated = [m for m in acceptance.context["materials"] if m["status"] == "tolerated"]
    assert tolerated[0]["tolerance_due_date"] == due.isoformat()


def test_immediate_item_is_accepted_and_concluded_in_one_step(
    client, clerk, applicant, immediate_item
):
    response = post_intake(client, clerk, immediate_item, applicant, conclude_immediately="on")
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.status == CaseStatus.CONCLUDED
    assert application.case_number
    assert application.concluded_at is not None
    # A 即办件 promises 0 days: the record says it is concluded on the spot.
    accepted = application.events.get(action=CaseAction.ACCEPT)
    assert accepted.message == "材料齐全、符合法定形式，予以受理，当场办结"


def test_the_counter_states_each_items_promise(client, clerk, applicant, item, immediate_item):
    """The item list and the intake form say 当场办结 for a 即办件, never 承诺 0 个工作日."""
    client.force_login(clerk)

    def listing(version):
        query = {"applicant": applicant.pk, "q": version.name}
        return client.get(reverse("intake:workbench-items"), query).content.decode()

    form = client.get(intake_url(immediate_item, applicant)).content.decode()
    for page in (listing(immediate_item), form):
        assert "即办件 · 当场办结" in page
        assert "承诺 0 个工作日" not in page
    promised = f"承诺件 · 承诺 {item.promised_limit_days} 个工作日内办结"
    assert promised in listing(item)


def test_counter_form_starts_an_optional_material_as_not_submitted(client, clerk, applicant, item):
    """The counter form started every material as 已收取: a clerk who did not touch an
    optional one (a power of attorney, with no agent) recorded it received, on the
    receipt and for the departments. Required ones still start received."""
    client.force_login(clerk)
    html = client.get(intake_url(item, applicant)).content.decode()
    for material in item.materials.all():
        expected = "received" if material.requirement == "required" else "pending"
        checked = re.search(rf'name="m{material.pk}-status"[^>]*value="(\w+)"[^>]*checked', html)
        assert checked is not None, material.name
        assert checked.group(1) == expected, material.name
    assert item.materials.exclude(requirement="required").exists()


def test_counter_correction_names_every_problem(client, clerk, applicant, item):
    response = post_intake(
        client,
        clerk,
        item,
        applicant,
        outcome="correction",
        overrides={
            "申请表": {"status": MaterialStatus.DEFECTIVE, "reason": "缺少申请人签字"},
            "场地使用证明": {"status": MaterialStatus.MISSING},
        },
    )
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.status == CaseStatus.CORRECTION_REQUESTED
    assert application.case_number is None
    items = {i.material.name: (i.status, i.reason) for i in CorrectionItem.objects.all()}
    assert items["申请表"] == ("defective", "缺少申请人签字")
    assert items["场地使用证明"] == ("missing", "未提交该材料")
    # The count inputs of a missing material (hidden on the page) record nothing.
    missing = application.materials.get(material__name="场地使用证明")
    assert (missing.originals_received, missing.copies_received) == (0, 0)
    defective = application.materials.get(material__name="申请表")
    assert (defective.originals_received, defective.copies_received) == (1, 0)
    notice = application.notices.get(kind=NoticeKind.CORRECTION)
    assert notice.correction_notice is not None


def sent_back_for_correction(client, clerk, item, applicant) -> Application:
    """A counter intake by ``clerk`` that ends in a correction notice (申请表 有误)."""
    defective = {"申请表": {"status": MaterialStatus.DEFECTIVE, "reason": "缺少申请人签字"}}
    post_intake(client, clerk, item, applicant, outcome="correction", overrides=defective)
    return Application.objects.get()


def test_a_walk_in_sent_back_for_correction_is_taken_back_at_the_window(
    client, clerk, applicant, item
):
    """The applicant comes back with the corrected materials: the clerk takes them
    (收取补正材料) and the application is reviewed again at this window, accepted the
    day the materials are complete. Before, the page of a counter application waiting
    for its correction offered nothing: the case could never go on."""
    application = sent_back_for_correction(client, clerk, item, applicant)
    page = reverse("intake:workbench-application", args=[application.pk])
    assert "correction-receive" in client.get(page).content.decode()

    response = client.post(reverse("intake:workbench-correction-received", args=[application.pk]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == CaseStatus.SUBMITTED
    assert application.correction_notices.get().resolved_at is not None
    html = client.get(page).content.decode()
    assert "确认办理" in html
    assert "correction-receive" not in html

    assert client.post(page, form_data(item)).status_code == 302
    application.refresh_from_db()
    assert application.case_number
    assert timezone.localdate(application.accepted_at) == timezone.localdate()


def test_only_the_window_holding_a_correction_takes_it_back(client, clerk, applicant, item):
    from tests.factories import make_clerk

    application = sent_back_for_correction(client, clerk, item, applicant)
    other = make_clerk(number=2, username="clerk-other")
    client.force_login(other)
    assert (
        "correction-receive"
        not in client.get(
            reverse("intake:workbench-application", args=[application.pk])
        ).content.decode()
    )
    response = client.post(reverse("intake:workbench-correction-received", args=[application.pk]))
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == CaseStatus.CORRECTION_REQUESTED


def test_counter_refusal_outside_powers(client, clerk, applicant, item):
    response = post_intake(
        client,
        clerk,
        item,
        applicant,
        outcome="refuse",
        refusal_kind=RefusalKind.OUTSIDE_POWERS,
        refusal_reason="该事项由大连市市场监督管理局实施",
        redirect_to="大连市市场监督管理局（大连市西岗区）",
    )
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.status == CaseStatus.REFUSED
    notice = application.notices.get(kind=NoticeKind.REFUSAL)
    assert notice.context["redirect_to"] == "大连市市场监督管理局（大连市西岗区）"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"refusal_kind": RefusalKind.NOT_ELIGIBLE}, "不予受理必须说明理由。"),
        ({"refusal_reason": "不符合条件"}, "请选择不予受理的类型。"),
        (
            {"refusal_kind": RefusalKind.OUTSIDE_POWERS, "refusal_reason": "不属于本局"},
            "应告知申请人向有关行政机关申请",
        ),
    ],
)
def test_refusal_needs_kind_reason_and_where_to_apply(
    client, clerk, applicant, item, extra, message
):
    response = post_intake(client, clerk, item, applicant, outcome="refuse", **extra)
    assert response.status_code == 400
    assert message in response.content.decode()
    nothing_saved()


def test_refusal_without_reason_is_refused_by_the_service(clerk, applicant, item):
    application = counter_draft(clerk, applicant, item)
    counter_receive(application=application, actor=clerk)
    with pytest.raises(IntakeError, match="不予受理必须说明理由"):
        intake_refuse(application=application, actor=clerk, kind=RefusalKind.OTHER, reason="  ")
    application.refresh_from_db()
    assert application.status == CaseStatus.SUBMITTED


def test_accepting_with_a_required_material_missing_saves_nothing(client, clerk, applicant, item):
    response = post_intake(
        client, clerk, item, applicant, overrides={"申请表": {"status": MaterialStatus.MISSING}}
    )
    assert response.status_code == 400
    assert "以下必要材料尚未核验通过，不能受理：申请表" in response.content.decode()
    nothing_saved()


def test_correction_without_problems_saves_nothing(client, clerk, applicant, item):
    response = post_intake(client, clerk, item, applicant, outcome="correction")
    assert response.status_code == 400
    assert "没有需要补正的材料，请直接受理。" in response.content.decode()
    nothing_saved()


@pytest.mark.parametrize(
    ("tolerated", "received", "working_days", "on_the_page", "from_the_service"),
    [
        (
            "申请表",
            "场地使用证明",
            2,
            "材料“申请表”的核验结果无效：该材料不允许容缺受理。",
            "不允许容缺受理",
        ),
        ("场地使用证明", "申请表", 11, "容缺补交期限不能晚于承诺办结日期", "不能晚于承诺办结日期"),
    ],
    ids=["material-does-not-allow-it", "past-the-promised-due-date"],
)
def test_tolerance_refused(
    client,
    clerk,
    applicant,
    item,
    tolerated,
    received,
    working_days,
    on_the_page,
    from_the_service,
):
    """容缺 on a material that does not allow it, or due after the promised due date: the
    form is refused and saves nothing, and the service refuses it too, whatever a client
    sends."""
    client.force_login(clerk)
    due = add_working_days(timezone.localdate(), working_days)
    pledge = {
        "status": MaterialStatus.TOLERATED,
        "pledge_signed": "on",
        "tolerance_due_date": due.isoformat(),
    }
    response = client.post(
        intake_url(item, applicant), form_data(item, overrides={tolerated: pledge})
    )
    assert response.status_code == 400
    assert on_the_page in response.content.decode()
    nothing_saved()
    application = counter_draft(clerk, applicant, item)
    counter_receive(application=application, actor=clerk)
    materials = materials_of(application)
    with pytest.raises(IntakeError, match=from_the_service):
        intake_accept(
            application=application,
            actor=clerk,
            verdicts=[
                verdict(materials[received]),
                verdict(
                    materials[tolerated],
                    MaterialStatus.TOLERATED,
                    pledge_signed=True,
                    tolerance_due_date=due,
                ),
            ],
        )
    application.refresh_from_db()
    assert application.status == CaseStatus.SUBMITTED
    assert application.case_number is None


def test_tolerance_needs_the_signed_pledge(client, clerk, applicant, item):
    client.force_login(clerk)
    due = add_working_days(timezone.localdate(), 3).isoformat()
    response = client.post(
        intake_url(item, applicant),
        form_data(
            item,
            overrides={"场地使用证明": {"status": "tolerated", "tolerance_due_date": due}},
        ),
    )
    assert response.status_code == 400
    assert "容缺受理须申请人签署承诺书" in response.content.decode()
    nothing_saved()


# --- refusals of bad actions ----------------------------------------------------------


def test_accepting_twice_is_refused(clerk, citizen, item):
    application = submit_online(citizen, item)
    intake_accept(application=application, actor=clerk, verdicts=all_received(application))
    number = Application.objects.get(pk=application.pk).case_number
    with pytest.raises(IntakeError, match="下不能执行“受理”"):
        intake_accept(application=application, actor=clerk, verdicts=all_received(application))
    application.refresh_from_db()
    assert application.case_number == number
    assert application.notices.filter(kind=NoticeKind.ACCEPTANCE).count() == 1


def test_accepting_twice_at_the_workbench(client, clerk, citizen, item):
    application = submit_online(citizen, item)
    client.force_login(clerk)
    url = reverse("intake:workbench-application", args=[application.pk])
    data = form_data(item)
    assert client.post(url, data).status_code == 302
    response = client.post(url, data, follow=True)
    assert "不能再作受理结论" in response.content.decode()
    assert Notice.objects.filter(kind=NoticeKind.ACCEPTANCE).count() == 1


def test_second_correction_may_not_name_a_material_passed_before(clerk, citizen, item):

    application = submit_online(citizen, item)
    materials = materials_of(application)
    intake_request_correction(
        application=application,
        actor=clerk,
        verdicts=[
            verdict(materials["申请表"]),
            verdict(materials["场地使用证明"], MaterialStatus.DEFECTIVE, reason="印章不清晰"),
        ],
    )
    resubmit_with(application, materials["场地使用证明"], name="fixed.pdf")
    with pytest.raises(IntakeError, match="以下材料在此前的告知中已确认无误.*申请表"):
        intake_request_correction(
            application=application,
            actor=clerk,
            verdicts=[verdict(materials["申请表"], MaterialStatus.DEFECTIVE, reason="再看有误")],
        )
    application.refresh_from_db()
    assert application.status == CaseStatus.SUBMITTED
    assert application.correction_notices.count() == 1
    # Naming the one still wrong again is allowed.
    intake_request_correction(
        application=application,
        actor=clerk,
        verdicts=[verdict(materials["场地使用证明"], MaterialStatus.DEFECTIVE, reason="仍不清晰")],
    )
    assert application.correction_notices.count() == 2


def test_another_windows_open_intake_is_refused(client, clerk, other_clerk, citizen, item):
    application = held_at_window(clerk, citizen, item)
    with pytest.raises(IntakePermissionDenied, match="正在金普厅 3 号窗口办理"):
        intake_accept(
            application=application, actor=other_clerk, verdicts=all_received(application)
        )
    client.force_login(other_clerk)
    url = reverse("intake:workbench-application", args=[application.pk])
    page = client.get(url).content.decode()
    assert "该申请正在金普厅 3 号窗口办理，其他窗口不能处理。" in page
    response = client.post(url, form_data(item))
    assert response.status_code == 403
    assert "该申请正在金普厅 3 号窗口办理，其他窗口不能处理。" in response.content.decode()
    application.refresh_from_db()
    assert application.status == CaseStatus.SUBMITTED
    assert application.case_number is None


def test_workbench_needs_a_clerk_at_a_window(client, citizen, db):
    client.force_login(citizen.user)
    response = client.get("/intake/workbench/")
    assert response.status_code == 403
    assert "只有在综合窗口工作的综窗人员可以办理受理。" in response.content.decode()
    no_window = UserFactory(clerk=True)
    client.force_login(no_window)
    assert client.get(COUNTER).status_code == 403
    client.logout()
    assert client.get("/intake/workbench/").status_code == 302  # to the login page


def test_clerk_home_lists_the_workbench(client, clerk):
    client.force_login(clerk)
    html = client.get("/").content.decode()
    for title in ("网上预审", "窗口收件", "本窗口办件"):
        assert title in html
    assert 'href="/intake/workbench/counter/"' in html


def test_window_cases_lists_this_windows_applications(client, clerk, applicant, item):
    client.force_login(clerk)
    client.post(intake_url(item, applicant), form_data(item))
    application = Application.objects.get()
    html = client.get(reverse("intake:workbench-cases")).content.decode()
    assert application.case_number in html


def test_clerk_finds_a_case_at_any_window(client, clerk, applicant, item):
    """查找办件 on 本窗口办件: a citizen comes back with a notice, or with an ID card
    only. The list had no search: the clerk paged through every case of the window."""
    from tests.factories import make_clerk

    client.force_login(clerk)
    client.post(intake_url(item, applicant), form_data(item))
    defective = {"申请表": {"status": MaterialStatus.DEFECTIVE, "reason": "缺少签字"}}
    client.post(intake_url(item, applicant), form_data(item, "correction", defective))
    accepted = Application.objects.get(case_number__isnull=False)
    waiting = Application.objects.get(case_number__isnull=True)
    cases = reverse("intake:workbench-cases")

    def found(query, user=clerk) -> set[int]:
        client.force_login(user)
        html = client.get(cases, {"q": query}).content.decode()
        return {a.pk for a in (accepted, waiting) if f"/applications/{a.pk}/" in html}

    assert found(f" {accepted.case_number.lower()} ") == {accepted.pk}
    assert found(f"申请编号 {waiting.pk}") == {waiting.pk}
    assert found(str(waiting.pk)) == {waiting.pk}
    assert found(applicant.id_number.lower()) == {accepted.pk, waiting.pk}
    assert found(applicant.name) == {accepted.pk, waiting.pk}
    # 两厅通办: a clerk of another window finds it too, and sees where it is.
    other = make_clerk(number=2, username="clerk-other")
    assert found(accepted.case_number, other) == {accepted.pk}
    assert str(accepted.window) in client.get(cases, {"q": accepted.case_number}).content.decode()
    html = client.get(cases, {"q": "JP0000"}).content.decode()
    assert "没有找到与“JP0000”相符的办件" in html


# --- 一件事 at the counter --------------------------------------------------------------


def bundle_form(outcome="accept", overrides=None, **extra):
    """The merged list as the page shows it: 申请表 (shared) first."""
    from catalog.selectors import bundle_material_list

    data = {"outcome": outcome, "delivery_method": "window", **extra}
    from catalog.models import Bundle

    merged = bundle_material_list(Bundle.objects.get(code="open-shop"))
    for index, material in enumerate(merged, start=1):
        values = {
            "status": MaterialStatus.RECEIVED if material.required else "pending",
            "originals": material.originals,
            "copies": material.copies,
        }
        values.update((overrides or {}).get(material.name, {}))
        data.update({f"m{index}-{key}": value for key, value in values.items()})
    return data


def test_bundle_at_the_counter_makes_one_case_per_item(client, clerk, applicant, bundle):
    client.force_login(clerk)
    url = reverse("intake:workbench-bundle", args=[bundle.pk]) + f"?applicant={applicant.pk}"
    page = client.get(url).content.decode()
    assert page.count('data-material="申请表"') == 1  # the shared material, once
    response = client.post(url, bundle_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    applications = list(Application.objects.order_by("pk"))
    assert len(applications) == 2
    assert len({a.bundle_application_id for a in applications}) == 1
    assert all(a.case_number for a in applications)
    assert len({a.case_number for a in applications}) == 2
    result = client.get(response["Location"]).content.decode()
    for application in applications:
        assert application.case_number in result


def test_bundle_correction_goes_only_to_the_item_with_a_problem(client, clerk, applicant, bundle):
    client.force_login(clerk)
    url = reverse("intake:workbench-bundle", args=[bundle.pk]) + f"?applicant={applicant.pk}"
    response = client.post(
        url,
        bundle_form(
            "correction", overrides={"招牌设计图": {"status": "defective", "reason": "缺少尺寸"}}
        ),
    )
    assert response.status_code == 302
    shop, sign = Application.objects.order_by("pk")
    assert shop.status == CaseStatus.SUBMITTED  # received, waiting at this window
    assert sign.status == CaseStatus.CORRECTION_REQUESTED
    assert sign.notices.filter(kind=NoticeKind.CORRECTION).count() == 1


def test_bundle_refused_form_saves_nothing(client, clerk, applicant, bundle):
    client.force_login(clerk)
    url = reverse("intake:workbench-bundle", args=[bundle.pk]) + f"?applicant={applicant.pk}"
    response = client.post(url, bundle_form(overrides={"申请表": {"status": "missing"}}))
    assert response.status_code == 400
    assert "以下必要材料尚未核验通过，不能受理" in response.content.decode()
    nothing_saved()
    from intake.models import BundleApplication

    assert BundleApplication.objects.count() == 0
