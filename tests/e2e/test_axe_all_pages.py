"""axe-core on every page of every role, at desktop (1280) and phone (390) width, and no
page scrolls sideways at either width (the items carry implementation codes of a real
code's length, 30 characters with no place to break).

Each role logs in once (one browser context, one page) and visits every page it can
reach, with real objects behind the detail pages: cases accepted at the counter and
online, a task, an extension, a supplement, a 督办 record, a concluded case at the
delivery register, notices, a guide, a 一件事. The list of pages is checked against the
URL conf (``test_every_page_is_visited``): a new page must be added here, or listed in
NOT_PAGES with the reason it is not a page (a POST action, a file download).

A serious or critical finding, or a page wider than the viewport, fails the role's test
with one readable list: page, width, rule, the elements and (for contrast) the colours and
the measured ratio; for a page too wide, the elements that stick out. So does a text
squeezed to a character or two a line (a table a phone narrows instead of scrolling it),
the admin's pages included (every admin page: tests/e2e/test_admin_pages.py), and a
date broken at its hyphen across two lines (2026- / 12-08).
"""

import zoneinfo
from collections import defaultdict

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD, seeders
from accounts.models import Citizen, Department, Enterprise, User
from approvals.services.sweep import clock_sweep
from approvals.services.tasks import (
    extension_request,
    task_approve,
    task_claim,
    task_request_supplement,
)
from feedback.constants import Level, RatingChannel
from feedback.services.pads import pad_create
from feedback.tokens import rating_token
from intake.constants import Channel as IntakeChannel
from intake.constants import DeliveryMethod
from intake.models import Notice
from intake.services.bundles import bundle_application_create
from intake.services.cases import application_create
from tests.e2e.axe import count_nodes, format_violations, run_axe
from tests.e2e.helpers import (
    DESKTOP,
    PHONE,
    log_in,
    sideways_overflow,
    split_dates,
    squeezed_text,
    sticking_out,
)
from tests.factories import (
    accept_case,
    accept_case_in_the_past,
    make_bundle,
    make_item,
    make_version,
    rating_of,
    request_correction,
    service_instance,
    upload_required,
)

WIDTHS = [("1280", DESKTOP), ("390", PHONE)]
# Pages photographed at both widths for a person to look at (test-output/screenshots/).
SHOTS = {
    ("anonymous", "catalog:item_detail"): "guide-item",
    ("citizen", "intake:my_applications"): "citizen-my-applications",
    ("clerk", "intake:workbench-intake"): "workbench-intake",
    ("approver", "approvals:inbox"): "approver-inbox",
    ("approver", "approvals:case"): "approver-case",
    ("head", "approvals:extensions"): "head-extensions",
    ("govhead", "home"): "govhead-home",
    ("govhead", "approvals:extensions"): "govhead-extensions",
    ("govhead", "approvals:case"): "govhead-case",
    ("admin", "admin:index"): "admin-index",
    ("clerk", "feedback:order"): "clerk-feedback-order",
    ("supervisor", "feedback:appeal"): "supervisor-feedback-appeal",
    ("supervisor", "feedback:review"): "supervisor-feedback-review",
    ("supervisor", "supervision:feedback"): "supervisor-feedback",
    ("supervisor", "supervision:rankings"): "supervisor-rankings",
    ("supervisor", "supervision:delegations"): "supervisor-delegations",
    ("pad", "feedback:pad"): "pad-idle",
    ("anonymous", "feedback:rate"): "rate-by-link",
    ("citizen", "feedback:my_rate"): "citizen-rate",
}
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


# URL names that are not pages a person reads: POST-only actions and file downloads.
NOT_PAGES = {
    "healthz": "health probe (JSON)",
    "favicon": "image",
    "api-schema": "OpenAPI document (YAML)",
    "api-docs": "Swagger UI, a third-party page for integrators",
    "set_language": "POST action",
    "accounts:logout": "POST action",
    "accounts:verify": "redirect to the identity service",
    "catalog:item_notice": "PDF download",
    "catalog:bundle_notice": "PDF download",
    "catalog:guide_file": "file download (a guide's form or sample)",
    "approvals:task_action": "POST action",
    "approvals:extension_decide": "POST action",
    "approvals:delivery_action": "POST action",
    "approvals:result": "PDF download",
    "approvals:case_material": "file download",
    "approvals:case_attorney": "file download",
    "approvals:case_supplement_file": "file download",
    "approvals:tolerated_receive": "POST action",
    "accounts:attorney-file": "file download",
    "accounts:enterprise-agent-revoke": "POST action",
    "accounts:window-agent-revoke": "POST action",
    "intake:workbench-material-scan": "POST action",
    "intake:workbench-correction-received": "POST action",
    "intake:my_application_correct": "POST action (the form is on my_application)",
    "intake:my_material_file": "file download",
    "intake:my_supplement_file": "file download",
    "intake:my_attorney_file": "file download",
    "intake:my_notice_file": "PDF download",
    "intake:notification_open": "POST action",
    "intake:notifications_read_all": "POST action",
    "intake:workbench-material-file": "file download",
    "intake:workbench-notice-status": "htmx fragment of workbench-application",
    "intake:workbench-notice-download": "PDF download",
    "feedback:order_action": "POST action (the forms are on feedback:order)",
    "approvals:escalation_answer": "POST action (the form is on approvals:case)",
    "supervision:case_escalate": "POST action (the form is on supervision:case)",
    "supervision:export": "Excel download",
    "supervision:lights_fragment": "htmx fragment of supervision:lights",
    "supervision:annual_list": "htmx fragment of supervision:annual",
    "supervision:annual_request": "POST action (the form is on supervision:annual)",
    "supervision:annual_download": "PDF download (tests/e2e/test_supervision_annual.py)",
    "feedback:appeal_evidence": "file download",
    "feedback:review_entry": "POST action (the forms are on feedback:review)",
    "feedback:pad-poll": "htmx fragment of feedback:pad (tests/e2e/test_feedback_pad.py)",
    "feedback:pad-idle": "htmx fragment of feedback:pad",
    "feedback:pad-rate": "POST action (the form is on feedback:pad)",
    "feedback:pad-new": "POST action (the form is on feedback:pads)",
    "feedback:pad-stop": "POST action",
    "feedback:my_follow_up": "POST action (the form is on feedback:my_rate)",
    "hall:follow-poll": "htmx fragment of hall:follow (tests/hall/test_pages.py)",
    "hall:follow-qr": "image (the QR code of hall:follow)",
    "hall:display-poll": "htmx fragment of hall:display (tests/e2e/test_hall_queue.py)",
    "hall:panel-poll": "htmx fragment of hall:panel",
    "hall:panel-act": "POST action (the buttons are on hall:panel)",
    "hall:window-act": "POST action (the forms are on hall:windows)",
    "hall:kiosk": "turns the browser into a kiosk (tests/e2e/test_hall_pages.py audits it)",
    "hall:kiosk-reset": "POST action (the kiosk's idle timeout)",
    "hall:kiosk-exit": "POST action",
    "hall:appointment-cancel": "POST action (the buttons are on hall:appointments)",
}


# --- the scene -----------------------------------------------------------------------


@pytest.fixture
def scene(transactional_db, monkeypatch):
    """The demo organisation and accounts (seed_demo without its large catalog), items
    of the demo departments, and one object of each kind a detail page shows."""
    for seeder in seeders():
        if seeder.name in ("organisation", "accounts"):
            seeder.func()
    users = {u.username: u for u in User.objects.all()}
    citizen = Citizen.objects.get(user=users["citizen"])
    enterprise = Enterprise.objects.get(name="大连金普示范科技有限公司")
    clerk, approver = users["clerk"], users["approver"]
    spj = Department.objects.get(code="SPJ")
    scj = Department.objects.get(code="SCJ")

    item = make_item(name="食品经营许可（新办）", department=spj)
    offline = make_item(name="特种设备使用登记", department=scj, online=False)
    two_stage = make_version(
        department=spj,
        steps=[(1, "受理审查", spj, 5), (2, "审批决定", spj, 3)],
        name="公共场所卫生许可",
        result_name="公共场所卫生许可证",
    )
    one_stage = make_version(department=scj, steps=[(1, "审查决定", scj, 4)], name="广告发布登记")
    bundle = make_bundle("kaiban-canyin", [item, two_stage], name="我要开餐馆")

    # Counter cases: one in approval with a claimed task and an extension request, one
    # waiting for a supplement, one concluded and waiting at the window, one overdue.
    case = accept_case(
        two_stage,
        clerk=clerk,
        applicant=citizen,
        delivery_method=DeliveryMethod.WINDOW,
    )
    task = case.tasks.get()
    task_claim(task=task, actor=approver)
    extension_request(task=task, actor=approver, days=5, reason="需组织专家现场评审。")
    # A joint case (联办: the 市场监管局 co-handles): its extension is the district
    # government's head's, and its department head sees it read-only.
    joint = make_version(
        department=spj,
        steps=[(1, "联合审查", scj, 5), (2, "审批决定", spj, 3)],
        name="大型活动联合审批",
        statutory=45,
        co_departments=[scj],
    )
    joint_case = accept_case(joint, clerk=clerk, applicant=citizen)
    joint_task = joint_case.tasks.get()
    extension_request(task=joint_task, actor=approver, days=12, reason="需多部门联合现场核查。")

    waiting = accept_case(two_stage, clerk=clerk, applicant=citizen)
    supplement_task = waiting.tasks.get()
    task_claim(task=supplement_task, actor=approver)
    task_request_supplement(
        task=supplement_task, actor=approver, items=["营业场所平面图"], note="请补充平面图。"
    )

    concluded = accept_case(one_stage, clerk=clerk, applicant=citizen)
    last = concluded.tasks.get()
    task_claim(task=last, actor=approver)
    task_approve(task=last, actor=approver, opinion="材料齐全，同意。")

    overdue = accept_case_in_the_past(monkeypatch, 8, one_stage, clerk=clerk, applicant=citizen)
    clock_sweep()
    # 好差评: the concluded case's intake rated on the pad (its conclusion and the case's
    # intake get their 差评 in _feedback_orders).
    rating_of(service_instance(concluded), Level.VERY_SATISFIED, RatingChannel.PAD)

    # Online: a draft, one waiting for pre-review, one sent back for correction.
    def online(version):
        return application_create(
            item_version=version,
            applicant=citizen,
            actor=citizen.user,
            channel=IntakeChannel.ONLINE,
        )

    draft = online(item)
    submitted = online(item)
    upload_required(submitted)
    from intake.services.online import application_submit_online

    application_submit_online(application=submitted, actor=citizen.user)
    corrected = online(item)
    upload_required(corrected)
    application_submit_online(application=corrected, actor=citizen.user)
    request_correction(corrected, clerk, defective="申请表")

    bundle_application = bundle_application_create(
        bundle=bundle,
        applicant=citizen,
        actor=citizen.user,
        channel=IntakeChannel.ONLINE,
        enterprise=enterprise,
        contact_phone="13800000001",
    )
    counter_bundle = bundle_application_create(
        bundle=bundle, applicant=citizen, actor=clerk, channel=IntakeChannel.COUNTER
    )
    notice = Notice.objects.filter(application=case).exclude(verification_code="").first()
    orders = _feedback_orders(case, concluded, users)
    # A counter pad (评价器) at a window with no case: it stays idle.
    clerk2 = users["clerk2"]
    _, pad_key = pad_create(window=clerk2.staff_profile.window, actor=clerk2)
    # Rating by link and online: the waiting case's window service still open, the
    # counter case's rated (its 差评 above, online by the citizen: the 追评 form shows).
    open_instance = service_instance(waiting)
    rated_instance = service_instance(case)
    hall_ticket = _hall_queue(users)
    return {
        "hall_ticket": hall_ticket,
        **orders,
        "open_instance": open_instance,
        "rated_instance": rated_instance,
        "rate_token": rating_token(open_instance),
        "rated_token": rating_token(rated_instance),
        "users": users,
        "citizen": citizen,
        "enterprise": enterprise,
        "item": item,
        "offline": offline,
        "two_stage": two_stage,
        "bundle": bundle,
        "case": case,
        "joint_case": joint_case,
        "task": task,
        "waiting": waiting,
        "concluded": concluded,
        "overdue": overdue,
        "draft": draft,
        "submitted": submitted,
        "corrected": corrected,
        "bundle_application": bundle_application,
        "counter_bundle": counter_bundle,
        "overdue_task": overdue.tasks.get(),
        "notice": notice,
        "pad_key": pad_key,
    }


def _hall_queue(users):
    """取号叫号: two categories at 金普厅, the demo clerk's window open for both, a ticket
    called there and one waiting; an appointment of the demo citizen. The waiting
    ticket (its token opens the issued ticket and the follow page)."""
    import datetime

    from django.utils import timezone

    from hall.models import ServiceCategory
    from hall.services.appointments import appointment_book, bookable_days
    from hall.services.calling import call_next
    from hall.services.tickets import ticket_issue
    from hall.services.windows import window_open, window_set_categories

    clerk, supervisor = users["clerk"], users["supervisor"]
    window = clerk.staff_profile.window
    a, _ = ServiceCategory.objects.get_or_create(
        hall=window.hall, letter="A", defaults={"name": "企业登记", "order": 1}
    )
    b, _ = ServiceCategory.objects.get_or_create(
        hall=window.hall, letter="B", defaults={"name": "工程建设项目", "order": 2}
    )
    window_set_categories(window=window, category_ids=[a.pk, b.pk], actor=supervisor)
    window_open(window=window, actor=clerk)
    ticket_issue(category_id=a.pk)
    call_next(window=window, actor=clerk)
    day = next(d for d in bookable_days() if d > timezone.localdate())
    appointment_book(category_id=b.pk, day=day, slot=datetime.time(9, 30), actor=users["citizen"])
    return ticket_issue(category_id=b.pk).ticket


def _feedback_orders(case, concluded, users) -> dict:
    """差评整改: the counter case's intake 差评 worked to the return visit, with an appeal;
    the concluded case's 差评 at its department; a 回头看 batch of today."""
    from django.utils import timezone

    from feedback.constants import Finding, Stage
    from feedback.services.orders import (
        appeal_file,
        order_call_back,
        order_reply,
        review_batch_open,
    )
    from tests.factories import pdf_file
    from tests.feedback.orders_support import bad_rating, order_of

    clerk, supervisor = users["clerk"], users["supervisor"]
    intake = order_of(bad_rating(case, text="窗口人员态度冷淡"))
    order_call_back(order=intake, actor=clerk, finding=Finding.TRUE, note="已电话联系，情况属实。")
    order_reply(order=intake, actor=clerk, text="已批评教育并组织培训。")
    appeal = appeal_file(
        order=intake, actor=clerk, kind="mistaken", reason="群众误评。", evidence=pdf_file()
    )
    conclusion = order_of(bad_rating(concluded, Stage.CONCLUSION))
    today = timezone.localdate()
    batch = review_batch_open(
        actor=supervisor, title="本月回头看", period_start=today, period_end=today
    )
    return {
        "intake_order": intake,
        "conclusion_order": conclusion,
        "appeal": appeal,
        "review_batch": batch,
    }


# --- what each role visits -----------------------------------------------------------


def pages_for(role: str, s: dict) -> list[tuple[str, str]]:
    """(URL name, path) of every page the role reaches in the scene."""
    item_code = s["item"].item.code
    applicant = f"applicant={s['citizen'].pk}"

    def url(name, *args, query=""):
        return name, reverse(name, args=args) + (f"?{query}" if query else "")

    public = [
        url("home"),
        url("catalog:home"),
        url("catalog:item_list"),
        url("catalog:item_list", query="q=食品"),
        url("catalog:item_detail", item_code),
        url("catalog:bundle_detail", s["bundle"].code),
        url("intake:bundle_list"),
        url("intake:apply", s["offline"].item.code),
        url("intake:apply_bundle", s["bundle"].code),
        url("intake:progress"),
        url("intake:verify-start"),
        url("intake:verify", s["notice"].verification_code),
        url("feedback:rate", s["rate_token"]),
        url("feedback:rate", s["rated_token"]),
        url("feedback:rate", s["rate_token"], query="via=sms"),
        url("hall:index"),
        url("hall:ticket", "JP"),
        url("hall:ticket-issued", s["hall_ticket"].token),
        url("hall:follow", s["hall_ticket"].token),
        url("hall:display", "JP"),
    ]
    if role == "anonymous":
        return [
            *public,
            url("accounts:login"),
            url("accounts:signup"),
            ("404", "/no-such-page/"),
        ]
    common = [url("home"), url("accounts:profile")]
    if role == "citizen":
        # The public pages once more only where signing in changes them.
        return [
            url("home"),
            url("catalog:item_detail", item_code),
            url("intake:apply_bundle", s["bundle"].code),
            url("accounts:profile"),
            url("accounts:enterprise-agents", s["enterprise"].pk),
            url("intake:apply", item_code),
            url("intake:my_applications"),
            url("intake:my_applications", query="status=waiting"),
            url("intake:my_application", s["case"].pk),
            url("intake:my_application", s["corrected"].pk),
            url("intake:my_application", s["concluded"].pk),
            url("intake:my_application_edit", s["draft"].pk),
            url("intake:my_application_withdraw", s["submitted"].pk),
            url("intake:my_bundle", s["bundle_application"].pk),
            url("intake:my_bundle_withdraw", s["bundle_application"].pk),
            url("intake:notifications"),
            ("405", reverse("intake:notifications_read_all")),  # a button's address
            url("feedback:my_rate", s["open_instance"].pk),
            url("feedback:my_rate", s["rated_instance"].pk),
            url("approvals:case", s["case"].pk),
            url("approvals:case", s["concluded"].pk),
            url("approvals:supplement", s["waiting"].pk),
            url("feedback:order_visit", s["intake_order"].pk),
            url("hall:appointments"),
            url("hall:appointment-new"),
        ]
    if role == "clerk":
        return [
            *common,
            url("accounts:window-verify"),
            url("accounts:window-enterprise"),
            url("accounts:window-enterprise-detail", s["enterprise"].pk),
            url("intake:workbench"),
            url("intake:workbench-cases"),
            url("intake:workbench-counter"),
            url("intake:workbench-counter", query=f"id_number={s['citizen'].id_number}"),
            url("intake:workbench-items", query=f"{applicant}&q=许可"),
            url("intake:workbench-intake", s["two_stage"].pk, query=applicant),
            url("intake:workbench-bundle", s["bundle"].pk, query=applicant),
            url("intake:workbench-application", s["submitted"].pk),
            url("intake:workbench-application", s["case"].pk),
            url("intake:workbench-bundle-result", s["counter_bundle"].pk),
            url("approvals:counter"),
            url("feedback:pads"),
            url("approvals:supplement", s["waiting"].pk),
            url("approvals:case", s["concluded"].pk),
            url("feedback:orders"),
            url("feedback:order", s["intake_order"].pk),
            url("hall:panel"),
            url("hall:windows", "JP"),
        ]
    if role == "pad":
        # The tablet facing the citizen: bound with its key first (test_no_serious_...).
        return [url("feedback:pad-bind"), url("feedback:pad")]
    if role == "head":
        # The department head's pages differ from an approver's in the extension forms
        # (and the joint extensions of their department, read-only).
        return [url("home"), url("approvals:extensions"), url("approvals:task", s["task"].pk)]
    if role == "govhead":
        # The district government's head decides the joint (联办) extensions, with the
        # case's page open to them.
        return [
            url("home"),
            url("accounts:profile"),
            url("approvals:extensions"),
            url("approvals:case", s["joint_case"].pk),
        ]
    if role == "approver":
        return [
            *common,
            url("approvals:inbox"),
            url("approvals:inbox", query="status=completed"),
            url("approvals:task", s["task"].pk),
            url("approvals:task", s["overdue_task"].pk),
            url("approvals:extensions"),
            url("approvals:case", s["case"].pk),
            url("approvals:case", s["waiting"].pk),
            url("feedback:orders"),
            url("feedback:order", s["conclusion_order"].pk),
        ]
    if role == "supervisor":
        return [
            *common,
            url("approvals:escalations"),
            url("approvals:extensions"),
            url("approvals:case", s["overdue"].pk),
            url("feedback:orders", query="status=all"),
            url("feedback:order", s["intake_order"].pk),
            url("feedback:appeals"),
            url("feedback:appeal", s["appeal"].pk),
            url("feedback:reviews"),
            url("feedback:review", s["review_batch"].pk),
            url("supervision:overview"),
            url("supervision:overview", query="start=2000-01-01&end=2000-01-31"),
            url("supervision:lights"),
            url("supervision:cases"),
            url("supervision:cases", query="light=red"),
            url("supervision:case", s["overdue"].pk),
            url("supervision:feedback"),
            url("supervision:feedback", query="group=staff"),
            url("supervision:feedback", query="start=2000-01-01&end=2000-01-31"),
            url("supervision:ratings"),
            url("supervision:ratings", query="figure=bad&start=2000-01-01&end=2000-01-31"),
            url("supervision:rankings"),
            url("supervision:rankings", query="group=window&sort=good_rate"),
            url("supervision:rankings", query="group=staff"),
            url("supervision:rankings", query="group=item&sort=p90&order=asc"),
            url("supervision:delegations"),
            url("supervision:delegations", query="group=station"),
            url("supervision:delegations", query="group=list&sort=accepted"),
            url("supervision:annual"),
            url("hall:overview"),
            url("hall:windows", "JP"),
        ]
    if role == "admin":
        # The index and one changelist of each admin app (they share one template), the
        # catalog's own change list, and the token list (its search box has a help text).
        pages, apps = [url("admin:index")], set()
        for model in admin.site._registry:
            meta = model._meta
            if meta.app_label not in apps:
                apps.add(meta.app_label)
                pages.append(url(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        return [
            *common,
            *pages,
            url("admin:catalog_serviceitem_changelist"),
            url("admin:authtoken_tokenproxy_changelist"),
            url("calendar:year-entry"),
        ]
    raise AssertionError(role)


ROLES = {
    # role: the demo account it logs in as
    "anonymous": None,
    "citizen": "citizen",
    "clerk": "clerk",
    "approver": "approver",
    "head": "head",
    "govhead": "govhead",
    "supervisor": "supervisor",
    "admin": "admin",
    "pad": None,  # a counter pad (评价器): no account, a device key in a cookie
}


def _url_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    names = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace == "admin" or entry.app_name == "rest_framework":
                continue
            names |= _url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


class _Any:
    """Stands for any object of the scene when only the URL names matter."""

    pk = 1

    def __getattr__(self, name):
        return self

    def __str__(self):
        return "1"


def test_every_page_is_visited():
    """Every named page of the URL conf (the API aside) is visited by some role here."""
    stand_in = defaultdict(_Any)
    visited = {name for role in ROLES for name, _ in pages_for(role, stand_in)}
    portal = {n for n in _url_names() if not n.startswith(("api", "bench"))} | {"api-docs"}
    missing = portal - visited - set(NOT_PAGES)
    assert not missing, f"pages no role visits in test_axe_all_pages.py: {sorted(missing)}"


# Every role's pages at two widths: longer than the suite's 300 s on a loaded machine.
@pytest.mark.timeout(1200)
def test_no_serious_axe_findings(scene, live_server, browser, screenshots_dir):
    """Every role, every page, both widths: one context (one page) per role; then the
    states a page reaches by acting on it (the phone menu open, forms refused)."""
    pages = {role: pages_for(role, scene) for role in ROLES}  # the ORM before Playwright
    intake = reverse("intake:workbench-intake", args=[scene["two_stage"].pk])
    intake += f"?applicant={scene['citizen'].pk}"
    failures = []
    for role, username in ROLES.items():
        context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
        page = context.new_page()
        if username:
            log_in(page, live_server.url, username, DEMO_PASSWORD)
            assert "/accounts/login/" not in page.url, f"{username} could not log in"
        if role == "pad":
            bind_pad(page, live_server.url, scene["pad_key"])
        failures += audit(page, live_server.url, role, pages[role], screenshots_dir)
        if role != "pad":  # the pad's home is the anonymous one
            failures += phone_menu(page, live_server.url, role)
        if role == "anonymous":
            failures += refused_forms(page, live_server.url)
        if role == "clerk":
            page.goto(f"{live_server.url}{intake}")
            page.click("main button[type=submit]:has-text('确认办理')")
            page.wait_for_load_state("networkidle")
            expect(page.locator("[data-testid=error-summary]")).to_be_visible()
            failures += check(page, role, "counter intake refused")
        context.close()
    assert not failures, (
        "axe-core: serious/critical findings, pages too wide, text squeezed\n" + "\n".join(failures)
    )


def bind_pad(page, base_url, key):
    """Open the bind link once, as a tablet does (pad.js sends the key after ``#``)."""
    page.goto(f"{base_url}{reverse('feedback:pad-bind')}#key={key}")
    page.wait_for_url(f"{base_url}{reverse('feedback:pad')}")


def check(page, role, what, widths=WIDTHS) -> list[str]:
    """axe, squeezed text and dates broken across lines at each width on the page as it
    is, and at each width the page does not scroll sideways; one readable entry per
    width and finding."""
    failures = []
    for label, viewport in widths:
        page.set_viewport_size(viewport)
        overflow = sideways_overflow(page)
        if overflow > 0:
            failures.append(
                f"[{role}] {page.url} ({what}) at {label} px: scrolls {overflow} px sideways"
                f" ({', '.join(sticking_out(page))})"
            )
        violations = run_axe(page)
        if violations:
            failures.append(
                f"[{role}] {page.url} ({what}) at {label} px: "
                f"{count_nodes(violations)} node(s)\n" + format_violations(violations)
            )
        squeezed = squeezed_text(page)
        if squeezed:
            failures.append(
                f"[{role}] {page.url} ({what}) at {label} px: text squeezed to a "
                "character or two a line\n" + "\n".join(f"    {s}" for s in squeezed)
            )
        split = split_dates(page)
        if split:
            failures.append(
                f"[{role}] {page.url} ({what}) at {label} px: a date broken across lines\n"
                + "\n".join(f"    {s}" for s in split)
            )
    page.set_viewport_size(DESKTOP)
    return failures


def audit(page, base_url, role, pages, screenshots_dir) -> list[str]:
    failures, seen, photographed = [], set(), set()
    for name, path in pages:
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(f"{base_url}{path}")
        status = response.status if response else 0
        expected = int(name) if name in ("404", "405") else 200
        if status != expected:
            failures.append(f"[{role}] {path} ({name}): HTTP {status}, expected {expected}")
            continue
        if (role, name) in SHOTS and (role, name) not in photographed:
            photographed.add((role, name))
            for label, viewport in WIDTHS:
                page.set_viewport_size(viewport)
                shot = screenshots_dir / f"axe-{SHOTS[(role, name)]}-{label}.png"
                page.screenshot(path=str(shot), full_page=True)
        failures += check(page, role, name)
    return failures


def phone_menu(page, base_url, role) -> list[str]:
    """The home page on a phone with the menu opened: the role's own links."""
    page.goto(f"{base_url}/")
    page.set_viewport_size(PHONE)
    page.click(".navbar-toggler")
    page.wait_for_selector("#portal-nav.show")
    return check(page, role, "phone menu open", widths=[("390", PHONE)])


def refused_forms(page, base_url) -> list[str]:
    """The login and signup forms as they come back with errors."""
    log_in(page, base_url, "nobody", "not-the-password")
    expect(page.locator("main .alert-danger")).to_be_visible()
    failures = check(page, "anonymous", "login refused")
    page.goto(f"{base_url}/accounts/signup/")
    page.fill("#id_user-username", "newcomer")
    page.fill("#id_identity-id_number", "360426199101010072")
    page.evaluate("() => document.querySelectorAll('main form').forEach(f => f.noValidate = true)")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    expect(page.locator("main .invalid-feedback").first).to_be_visible()
    return failures + check(page, "anonymous", "signup refused")
