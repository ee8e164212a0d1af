"""The pages: the inbox (urgency order, filters, time left, pagination, empty state,
flat query count), the task page and its forms with Chinese messages, the counter,
extensions, 督办 and the home page's entries per role."""

import datetime

import pytest
from django.db.models import Q
from django.urls import reverse

from approvals.constants import Light
from approvals.models import Clock, Task
from approvals.services.tasks import task_approve, task_claim, task_request_supplement
from catalog.constants import MaterialRequirement
from intake.constants import CaseStatus, NoticeKind
from intake.services.cases import intake_accept
from tests.factories import all_received, make_enterprise, make_version, submit_online

pytestmark = pytest.mark.django_db


def rows(html: str) -> int:
    return html.count('class="list-group-item list-group-item-action py-3 touch-target task-row')


def test_inbox_order_light_and_time_left(client, at, accept, sequential_version, spj_approver):
    at(2026, 9, 28, 9)
    first = accept(sequential_version)
    second = accept(sequential_version)
    Clock.objects.filter(task__application=second).update(light=Light.RED)
    at(2026, 9, 29, 9)
    client.force_login(spj_approver)
    html = client.get("/approvals/").content.decode()
    assert rows(html) == 2
    assert html.index(second.case_number) < html.index(first.case_number)
    assert "剩 4 个工作日" in html  # due 10/10: 9/30, 10/8, 10/9, 10/10
    assert "light-red" in html

    at(2026, 10, 12, 9)  # one working day past the step's due date (Saturday 10/10)
    client.force_login(spj_approver)  # the session of two weeks ago has expired
    html = client.get("/approvals/").content.decode()
    assert "超期 1 个工作日" in html


def test_paused_tasks_say_so(client, at, accept, sequential_version, spj_approver, citizen, clerk):
    at(2026, 9, 28, 9)
    case = accept(sequential_version)
    task = case.tasks.get()
    at(2026, 9, 29, 9)
    task_request_supplement(task=task, actor=spj_approver, items=["合同"])
    at(2026, 10, 12, 9)  # paused a fortnight: the due dates held then are long gone
    case.refresh_from_db()
    old_dates = [
        f"{date:%Y-%m-%d}"
        for date in Clock.objects.filter(Q(application=case) | Q(task=task)).values_list(
            "due_date", flat=True
        )
    ]
    assert len(old_dates) == 3
    # The due dates move by the paused working days, so no page shows one: each shows
    # the working days left, frozen since the pause began, and that they run again.
    frozen = "剩余 4 个工作日，恢复后顺延"  # the step's, as on 9/29 (test above)
    client.force_login(spj_approver)
    pages = {
        "/approvals/": ["已暂停", f"环节{frozen}"],
        f"/approvals/tasks/{task.pk}/": [
            frozen,
            '承诺办结</dt><dd class="col-sm-9">已暂停，剩余',
            "（法定 已暂停，剩余",
        ],
        f"/approvals/cases/{case.pk}/": [frozen],
    }
    for url, says in pages.items():
        html = client.get(url).content.decode()
        for text in says:
            assert text in html, (url, text)
        for date in old_dates:
            assert date not in html, (url, date)
    # Intake's pages of the case: the promised limit (10 working days from 9/28, due
    # 10/16), frozen on 9/29: 9/30, 10/8, 10/9, 10/10, 10/12 to 10/16 left.
    promised = "已暂停，剩余 9 个工作日，恢复后顺延"
    htmls = {}
    intake_pages = {
        citizen.user: ["/intake/my/", f"/intake/my/{case.pk}/"],
        clerk: [reverse("intake:workbench-application", args=[case.pk])],
    }
    for user, urls in intake_pages.items():
        client.force_login(user)
        for url in urls:
            htmls[url] = client.get(url).content.decode()
    client.logout()
    code = case.notices.get(kind=NoticeKind.ACCEPTANCE).verification_code
    progress = {"case_number": case.case_number, "code": code}
    htmls["progress"] = client.post("/intake/progress/", progress).content.decode()
    for url, html in htmls.items():
        assert promised in html, url
        assert f"{case.promised_due_date:%Y-%m-%d}" not in html, url
        assert f"{case.promised_due_date:%Y年%m月%d日}" not in html, url
        assert f"{case.promised_due_date:%Y年%-m月%-d日}" not in html, url


def test_filters_pagination_and_empty_state(client, accept, sequential_version, spj_approver):
    client.force_login(spj_approver)
    html = client.get("/approvals/").content.decode()
    assert "暂无待办任务" in html
    cases = [accept(sequential_version) for _ in range(22)]
    html = client.get("/approvals/").content.decode()
    assert rows(html) == 20
    assert "第 1 / 2 页，共 22 件" in html
    assert rows(client.get("/approvals/?page=2").content.decode()) == 2
    html = client.get("/approvals/?light=2").content.decode()
    assert rows(html) == 0
    # A filter that leaves nothing says so and offers to clear it; it does not say the
    # department has no tasks (22 are waiting).
    assert "没有符合筛选条件的任务" in html
    assert "暂无待办任务" not in html
    assert 'href="/approvals/">清除筛选</a>' in html
    html = client.get("/approvals/?status=unclaimed&item=JP0000").content.decode()
    assert 'href="/approvals/?status=unclaimed">清除筛选</a>' in html
    task_claim(task=cases[0].tasks.get(), actor=spj_approver)
    assert rows(client.get("/approvals/?status=mine").content.decode()) == 1
    assert rows(client.get("/approvals/?status=unclaimed").content.decode()) == 20
    html = client.get(f"/approvals/?item={cases[3].case_number}").content.decode()
    assert rows(html) == 1
    # htmx refresh returns only the list
    partial = client.get("/approvals/?status=mine", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial
    assert rows(partial) == 1


def test_inbox_query_count_is_flat(
    client, accept, sequential_version, spj_approver, assert_flat_queries
):
    client.force_login(spj_approver)

    def add(n):
        for _ in range(n):
            accept(sequential_version)

    one, twenty = assert_flat_queries(lambda: client.get("/approvals/"), add)
    assert rows(one.content.decode()) == 1
    assert rows(twenty.content.decode()) == 20  # one full page


def test_the_task_page_names_the_legal_representative_as_such(
    client, accept, sequential_version, spj_approver, citizen
):
    """An enterprise's case filed by its legal representative says 法定代表人 on the
    approver's page, as on the applicant's; it said 经办人 for whoever applied."""
    enterprise = make_enterprise(citizen, name="金普示范有限公司")
    case = accept(sequential_version, enterprise=enterprise)
    client.force_login(spj_approver)
    html = client.get(f"/approvals/tasks/{case.tasks.get().pk}/").content.decode()
    assert f"金普示范有限公司（法定代表人 {citizen.name}）" in html


def test_task_page_actions_and_messages(client, accept, sequential_version, spj_approver):
    case = accept(sequential_version)
    task = case.tasks.get()
    client.force_login(spj_approver)
    html = client.get(f"/approvals/tasks/{task.pk}/").content.decode()
    assert "认领" in html
    assert "办理过程" in html

    response = client.post(f"/approvals/tasks/{task.pk}/claim/", {"version": 0}, follow=True)
    assert "已认领" in response.content.decode()
    # The approver is told where the opinion goes (every step's is on the decision).
    assert "将载入决定书送达申请人；请勿写入工作人员姓名" in response.content.decode()
    # A form posted with the version seen before the claim: a conflict, in Chinese.
    response = client.post(
        f"/approvals/tasks/{task.pk}/approve/", {"version": 0, "opinion": "同意"}, follow=True
    )
    assert "刚被李审批认领或更新" in response.content.decode()
    response = client.post(
        f"/approvals/tasks/{task.pk}/deny/", {"version": 1, "reason": ""}, follow=True
    )
    assert "不予许可的理由" in response.content.decode()
    response = client.post(
        f"/approvals/tasks/{task.pk}/approve/", {"version": 1, "opinion": "符合条件"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/approvals/"
    case.refresh_from_db()
    assert case.tasks.get(stage=1).status == "completed"


def test_a_refused_act_keeps_what_was_typed(client, accept, sequential_version, spj_approver):
    """A refused act (by the service, or by the form) shows the task page again with the
    form opened and what the approver typed, carrying the task's version of now."""
    task = accept(sequential_version).tasks.get()
    client.force_login(spj_approver)
    client.post(f"/approvals/tasks/{task.pk}/claim/", {"version": 0})
    task.refresh_from_db()
    url = f"/approvals/tasks/{task.pk}/"
    long_item = "补充提交项目能耗计算说明" * 20  # 240 characters: refused
    response = client.post(
        f"{url}supplement/",
        {
            "version": task.lock_version,
            "items": f"场地租赁合同原件\n{long_item}",
            "note": "附电子版",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    # The service says which item is too long, and nothing typed is lost.
    assert "第 2 项补正要求有 240 字，每项请控制在 200 字以内" in html
    assert f"场地租赁合同原件\n{long_item}</textarea>" in html
    assert 'value="附电子版"' in html
    assert 'id="act-supplement" class="accordion-collapse collapse show"' in html
    assert 'id="act-approve" class="accordion-collapse collapse"' in html

    # An extension of more days than the law allows: the reason stays, the form open.
    response = client.post(
        f"{url}extension/", {"version": task.lock_version, "days": 12, "reason": "需专家评审。"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "本次最多还可申请 10 个工作日" in html
    assert 'value="需专家评审。"' in html
    assert "<details open>" in html

    # A form error (no reason for a refusal): the deny form opened, its error under it.
    response = client.post(
        f"{url}deny/", {"version": task.lock_version, "reason": " ", "legal_basis": "第三十八条"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="act-deny" class="accordion-collapse collapse show"' in html
    assert 'value="第三十八条"' in html
    reason = html[html.index('for="deny_reason"') : html.index('for="deny_legal_basis"')]
    assert "该字段是必填项。" in reason

    # Someone else moved the task meanwhile: the opinion stays, with the version of now,
    # so the approver, now seeing the task as it is, can send it again.
    # A 409, the refusal above the opinion in its form (not a message atop the page).
    seen = task.lock_version
    Task.objects.filter(pk=task.pk).update(lock_version=seen + 1)
    response = client.post(f"{url}approve/", {"version": seen, "opinion": "材料齐全，同意。"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "材料齐全，同意。</textarea>" in html
    assert f'name="version" value="{seen + 1}"' in html
    form = html[html.index('id="act-approve"') : html.index('id="act-supplement"')]
    assert "该任务刚被李审批认领或更新" in form
    response = client.post(f"{url}approve/", {"version": seen + 1, "opinion": "材料齐全，同意。"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.opinion) == ("completed", "材料齐全，同意。")


def test_a_task_moved_on_meanwhile_is_a_409_that_keeps_the_typed_text(
    client, accept, sequential_version, spj_approver, spj_colleague
):
    """A colleague decided the task (its forms are gone) or claimed it first: the page
    comes back as it is now with 409, the refusal above the acts and, for a form of
    text, what was typed there to copy."""
    task = accept(sequential_version).tasks.get()
    url = f"/approvals/tasks/{task.pk}/"
    client.force_login(spj_colleague)
    # Claimed by a colleague a moment before: 认领 (no form) says so, above the acts.
    task_claim(task=task, actor=spj_approver)
    response = client.post(f"{url}claim/", {"version": 0})
    assert response.status_code == 409
    html = response.content.decode()
    alert = html[html.index('id="refused-act"') : html.index('id="timeline"')]
    assert "该任务刚被李审批认领或更新" in alert
    # Decided by the colleague meanwhile: the decision forms are gone, the opinion stays.
    task_approve(task=task, actor=spj_approver, opinion="同意")
    response = client.post(f"{url}approve/", {"version": 1, "opinion": "经核查，材料齐全。"})
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="act-approve"' not in html
    alert = html[html.index('id="refused-act"') : html.index('id="timeline"')]
    assert "已由李审批办理完毕" in alert
    assert "经核查，材料齐全。" in alert
    task.refresh_from_db()
    assert task.opinion == "同意"


def test_a_rule_of_the_case_is_a_400_next_to_its_field(
    client, accept, sequential_version, spj_approver
):
    task = accept(sequential_version).tasks.get()
    client.force_login(spj_approver)
    response = client.post(
        f"/approvals/tasks/{task.pk}/approve/", {"version": 0, "opinion": "同意" * 1001}
    )
    assert response.status_code == 400  # the form's own check
    response = client.post(
        f"/approvals/tasks/{task.pk}/extension/", {"version": 0, "days": 11, "reason": "需评审。"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    days = html[html.index('for="extension_days"') : html.index('for="extension_reason"')]
    assert "本次最多还可申请 10 个工作日" in days
    assert 'id="refused-act"' not in html


def test_reassign_offers_the_other_approvers_only(
    client, accept, sequential_version, spj_approver, spj_colleague, spj_head
):
    task = accept(sequential_version).tasks.get()
    client.force_login(spj_approver)
    html = client.get(f"/approvals/tasks/{task.pk}/").content.decode()
    select = html[html.index('id="reassign-to"') : html.index("</select>")]
    assert f'value="{spj_colleague.pk}"' in select
    assert f'value="{spj_head.pk}"' in select
    assert f'value="{spj_approver.pk}"' not in select


def test_task_pages_are_scoped_to_the_department(client, accept, sequential_version, scj_approver):
    case = accept(sequential_version)
    task = case.tasks.get()
    client.force_login(scj_approver)
    assert client.get(f"/approvals/tasks/{task.pk}/").status_code == 404
    assert client.post(f"/approvals/tasks/{task.pk}/claim/").status_code == 404


def test_inbox_needs_the_role(client, clerk):
    assert client.get("/approvals/").status_code == 302
    client.force_login(clerk)
    assert client.get("/approvals/").status_code == 403


def test_counter_receives_a_supplement(client, accept, sequential_version, spj_approver, clerk):
    case = accept(sequential_version)
    task_request_supplement(task=case.tasks.get(), actor=spj_approver, items=["合同原件"])
    client.force_login(clerk)
    html = client.get("/approvals/counter/").content.decode()
    assert case.case_number in html
    response = client.post(f"/approvals/cases/{case.pk}/supplement/", {"note": "收到"}, follow=True)
    assert "已收到补正材料" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_APPROVAL


def test_counter_hands_over(
    client, accept, sequential_version, spj_approver, clerk, django_capture_on_commit_callbacks
):
    case = accept(sequential_version)
    with django_capture_on_commit_callbacks(execute=True):
        for stage in (1, 2):
            task_approve(task=case.tasks.get(stage=stage), actor=spj_approver, opinion="同意")
    client.force_login(clerk)
    html = client.get(f"/approvals/counter/?q={case.case_number}").content.decode()
    assert "核验并登记领取" in html
    response = client.post(
        f"/approvals/deliveries/{case.delivery.pk}/hand-over/", {"recipient_name": ""}, follow=True
    )
    assert "请填写领取人姓名" in response.content.decode()
    response = client.post(
        f"/approvals/deliveries/{case.delivery.pk}/hand-over/",
        {"recipient_name": "王芳", "recipient_id_number": "11010519491231002X"},
        follow=True,
    )
    assert "已登记窗口出件" in response.content.decode()
    assert "暂无待出件的办件" in response.content.decode()


def test_home_shows_each_roles_entries(client, spj_approver, clerk, supervisor):
    client.force_login(spj_approver)
    assert "我的待办" in client.get("/").content.decode()
    client.force_login(clerk)
    assert "出件登记" in client.get("/").content.decode()
    client.force_login(supervisor)
    html = client.get("/").content.decode()
    assert "督办记录" in html
    assert "延期审批" in html
    # Supervisors see and urge extensions; they never approve them.
    assert "批准延长办理期限" not in html
    assert "查看待批准的延期申请" in html


def test_extension_page_for_the_head(client, accept, sequential_version, spj_approver, spj_head):
    from approvals.services.tasks import extension_request

    case = accept(sequential_version)
    extension = extension_request(
        task=case.tasks.get(), actor=spj_approver, days=5, reason="需现场核查"
    )
    client.force_login(spj_head)
    # The head's home says an extension waits for them and leads to it.
    home = client.get("/").content.decode()
    assert "1 件延期申请待您批准（本行政机关负责人）" in home
    assert 'href="/approvals/extensions/" data-testid="home-alert"' in home
    html = client.get("/approvals/extensions/").content.decode()
    assert "需现场核查" in html
    # Who asked is the approver, not the case's applicant (申请人 is the citizen).
    assert "由 李审批 于" in html
    assert "申请人 李审批" not in html
    response = client.post(
        f"/approvals/extensions/{extension.pk}/decide/", {"approve": "1"}, follow=True
    )
    assert "已批准延期" in response.content.decode()
    assert "件延期申请待您批准" not in client.get("/").content.decode()
    client.force_login(spj_approver)
    assert "暂无待批准的延期申请" in client.get("/approvals/extensions/").content.decode()
    # An approver who heads no department gets no such alert.
    assert "待您批准" not in client.get("/").content.decode()


def test_a_refused_extension_decision_keeps_what_was_typed(
    client, accept, sequential_version, spj, spj_approver, spj_head
):
    """A head's refused decision (no reason, an over-long one, decided by another head
    meanwhile) shows 延期审批 again with the choice and the reason typed, the error next
    to the form, and nothing saved."""
    from approvals.constants import ExtensionStatus
    from approvals.models import Extension
    from approvals.services.tasks import extension_decide, extension_request
    from tests.factories import make_approver

    extension = extension_request(
        task=accept(sequential_version).tasks.get(), actor=spj_approver, days=5, reason="需现场核查"
    )
    client.force_login(spj_head)
    url = f"/approvals/extensions/{extension.pk}/decide/"

    # 不批准 without a reason: the choice stays, the error is under the form.
    response = client.post(url, {"approve": "0", "note": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert '<option value="0" selected>不批准</option>' in html
    assert f'id="errors-{extension.pk}" role="alert"' in html
    assert "不批准延期时请说明理由。" in html

    # An over-long reason (the service holds 280): what was typed is kept.
    long_note = "申请理由与法定情形不符" * 26  # 286 characters
    response = client.post(url, {"approve": "0", "note": long_note})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'value="{long_note}"' in html
    assert "说明过长：最多 280 字，现有 286 字。" in html
    assert 'aria-invalid="true"' in html
    extension.refresh_from_db()
    assert (extension.status, extension.decision_note) == (ExtensionStatus.REQUESTED, "")

    # Another head decided it meanwhile: a 409, the reason typed still on the page.
    other_head = make_approver(spj, username="spj-head2", head=True, full_name="冯副局长")
    extension_decide(extension=extension, actor=other_head, approve=True)
    response = client.post(url, {"approve": "0", "note": "理由不充分，请补充说明。"})
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="refused-decision"' in html
    assert "不能重复处理" in html
    assert "理由不充分，请补充说明。" in html
    extension.refresh_from_db()
    assert extension.decision_note == ""
    assert Extension.objects.get().status == ExtensionStatus.APPROVED


def test_case_page_for_the_applicant(client, accept, sequential_version, citizen):
    case = accept(sequential_version)
    client.force_login(citizen.user)
    html = client.get(f"/approvals/cases/{case.pk}/").content.decode()
    assert "办理过程" in html
    assert "承诺时限" in html


def test_the_case_page_leads_the_approver_to_the_open_task(
    client, accept, sequential_version, spj_approver, citizen
):
    """The case page (where a 督办 notice leads) sends an approver of the department on
    to the task to work on; nobody else gets the link, and none once the step is done."""
    case = accept(sequential_version)
    task = case.tasks.get()
    link = f'href="/approvals/tasks/{task.pk}/" id="open-task"'
    client.force_login(spj_approver)
    html = client.get(f"/approvals/cases/{case.pk}/").content.decode()
    assert link in html
    assert "去办理：审查" in html
    client.force_login(citizen.user)
    assert 'id="open-task"' not in client.get(f"/approvals/cases/{case.pk}/").content.decode()
    task_approve(task=task, actor=spj_approver, opinion="同意")
    client.force_login(spj_approver)
    html = client.get(f"/approvals/cases/{case.pk}/").content.decode()
    second = case.tasks.get(stage=2)
    assert f'href="/approvals/tasks/{second.pk}/" id="open-task"' in html
    assert "去办理：决定" in html


def test_a_material_not_handed_in_reads_as_not_submitted(client, clerk, citizen, spj, spj_approver):
    """An optional material the window left as 未提交（非必要）: the task page and the
    window's case page both say 未提交, not 待核验 (awaiting a check that is over)."""
    optional = {"name": "授权委托书", "issuing_body": "申请人", "originals": 1, "copies": 0}
    version = make_version(
        department=spj,
        steps=[(1, "审查", spj, 5)],
        materials=[
            {"name": "申请书", "issuing_body": "申请人", "originals": 1, "copies": 0},
            optional | {"requirement": MaterialRequirement.OPTIONAL},
        ],
    )
    application = submit_online(citizen, version)
    intake_accept(application=application, actor=clerk, verdicts=all_received(application))

    def row(html: str) -> str:
        start = html.index('data-material="授权委托书"')
        return html[start : html.index("</li>", start)]

    client.force_login(spj_approver)
    html = client.get(f"/approvals/tasks/{application.tasks.get().pk}/").content.decode()
    assert "未提交" in row(html)
    assert "待核验" not in row(html)

    client.force_login(clerk)
    html = client.get(f"/intake/workbench/applications/{application.pk}/").content.decode()
    assert '<td class="row-name">授权委托书</td><td>未提交</td>' in html


def test_a_due_date_in_a_provisional_year_is_marked_until_the_year_is_entered(
    client, at, accept, sequential_version, spj_approver, django_capture_on_commit_callbacks
):
    """2027 is past chinesecalendar: a step due then is marked 暂定 on the inbox and the
    task page; entering the year (a made-up one-day schedule here) removes the mark."""
    from catalog.calendar_services import PlannedDay, calendar_year_enter

    at(2026, 9, 28, 9)
    accept(sequential_version)
    client.force_login(spj_approver)
    assert "暂定" not in client.get("/approvals/").content.decode()

    at(2026, 12, 28, 9)
    case = accept(sequential_version)
    client.force_login(spj_approver)
    html = client.get("/approvals/").content.decode()
    assert html.count('data-testid="provisional"') == 1
    assert '暂定<span class="visually-hidden">（2027 年节假日安排尚未录入）</span>' in html
    task_page = client.get(f"/approvals/tasks/{case.tasks.get().pk}/").content.decode()
    assert 'data-testid="provisional"' in task_page

    days = [PlannedDay(datetime.date(2027, 1, 1), "holiday", "元旦")]
    with django_capture_on_commit_callbacks(execute=True):
        calendar_year_enter(year=2027, days=days, note="", actor=spj_approver)
    assert 'data-testid="provisional"' not in client.get("/approvals/").content.decode()


def test_inbox_query_count_stays_flat_with_provisional_due_dates(
    client, at, accept, sequential_version, spj_approver, assert_flat_queries
):
    at(2026, 12, 28, 9)
    client.force_login(spj_approver)

    def add(n):
        for _ in range(n):
            accept(sequential_version)

    one, twenty = assert_flat_queries(lambda: client.get("/approvals/"), add)
    assert one.content.decode().count('data-testid="provisional"') == 1
    assert twenty.content.decode().count('data-testid="provisional"') == 20
