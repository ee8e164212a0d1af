"""The Django admin at 1280 and 390 px, in Chinese: every change list and a change page
of every registered model with a row, as the system administrator. No page scrolls
sideways; no text is squeezed to a character or two a line, and a change list's short
texts (状态, 操作: 创建草稿) keep one line; the paginator keeps its links inside its box;
an autocomplete shows its whole choice (an item's name and 30-character code). Every
page passes axe at both widths, Django's own widgets included (the two-box selector of
a role's permissions, an empty autocomplete, a date and time: static/js/admin_names.js
names them).
Screenshots: test-output/screenshots/admin-*.png."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.demo import DEMO_PASSWORD, seeders
from accounts.models import Citizen, Department, Hall, User
from catalog.models import CalendarDay
from tests.e2e.axe import format_violations, run_axe
from tests.e2e.helpers import DESKTOP, PHONE, log_in, sideways_overflow, squeezed_text, sticking_out
from tests.factories import (
    DelegationFactory,
    ServiceCategoryFactory,
    TicketFactory,
    accept_case,
    make_bundle,
    make_item,
)

WIDTHS = [("1280", DESKTOP), ("390", PHONE)]
# Photographed at both widths for a person to look at.
SHOTS = {
    "catalog_bundle": "bundle",
    "catalog_catalogevent": "catalog-events",
    "auth_group": "role",
    "accounts_department": "department",
    "accounts_user": "user",
}
# Django's own widgets that static/js/admin_names.js names, and a page showing each:
# without it axe finds an aria-label on the two-box selector's bare span (serious), an
# empty autocomplete's unnamed combobox text (serious) and a date and time's two unnamed
# inputs (a user's 上次登录 and 加入日期, critical).
WIDGETS = {
    "auth_group change": "#id_permissions_from",  # a role's permissions, two boxes
    "accounts_user change": "#id_user_permissions_from, #id_last_login_0",
    "hall_servicecategory change": "#id_items_from",  # a category's items
    # the district's committee: no 上级单位, its autocomplete empty
    "accounts_department change": "#id_parent + .select2 .select2-selection__placeholder",
}

# A change list's cells whose text is a short word (no space, at most this many
# characters) but takes more than one line: a column squeezed beside the sidebars.
WRAPPED_WORDS = """(most) => [...document.querySelectorAll('#result_list td, #result_list th')]
  .flatMap((cell) => [...cell.querySelectorAll('*'), cell])
  .flatMap((e) => [...e.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE))
  .filter((n) => { const t = n.textContent.trim();
                   return t && !/\\s/.test(t) && [...t].length <= most; })
  .filter((n) => { const r = document.createRange(); r.selectNodeContents(n);
                   return new Set([...r.getClientRects()].filter((x) => x.width > 0)
                     .map((x) => Math.round(x.top))).size > 1; })
  .slice(0, 5).map((n) => n.textContent.trim())"""

# Boxes whose content is cut: the paginator's links past its right edge, an
# autocomplete's choice cut off (scrollWidth beyond the box).
CUT = """() => [...document.querySelectorAll('.paginator, .select2-selection__rendered')]
  .filter((e) => e.scrollWidth > e.clientWidth + 1)
  .map((e) => `${e.className} ${e.scrollWidth} > ${e.clientWidth}: `
              + e.innerText.replace(/\\s+/g, ' ').slice(0, 40))"""


@pytest.fixture
def scene(transactional_db, monkeypatch):
    """The demo organisation and accounts, a bundle of two items (real 30-character
    codes) with their catalog events, a delegation, a case accepted at the counter, a
    ticket; the calendar (771 days, from the migrations) ten to a page."""
    for seeder in seeders():
        if seeder.name in ("organisation", "accounts"):
            seeder.func()
    spj = Department.objects.get(code="SPJ")
    first = make_item(name="有限责任公司设立登记", department=spj)
    second = make_item(name="企业职工社会保险登记", department=spj)
    make_bundle("qiye-kaiban", [first, second], name="企业开办一件事")
    DelegationFactory(item=first.item, grantee=Department.objects.get(code="BSQ"))
    citizen = Citizen.objects.get(user__username="citizen")
    accept_case(second, clerk=User.objects.get(username="clerk"), applicant=citizen)
    TicketFactory(category=ServiceCategoryFactory(hall=Hall.objects.get(code="JP")))
    monkeypatch.setattr(admin.site._registry[CalendarDay], "list_per_page", 10)


def admin_pages() -> list[tuple[str, str]]:
    """(name, path): every change list, then a change page of each model with a row;
    the calendar's list also at a page in the middle (its paginator at its widest)."""
    pages, changes = [], []
    for model in sorted(admin.site._registry, key=lambda m: m._meta.label):
        name = f"{model._meta.app_label}_{model._meta.model_name}"
        pages.append((name, reverse(f"admin:{name}_changelist")))
        row = model._default_manager.order_by("pk").first()
        if row is not None:
            changes.append((f"{name} change", reverse(f"admin:{name}_change", args=[row.pk])))
    calendar = reverse("admin:catalog_calendarday_changelist")
    pages.append(("catalog_calendarday page 40", f"{calendar}?p=40"))
    return pages + changes


def problems(page, what: str, label: str) -> list[str]:
    found = []
    overflow = sideways_overflow(page)
    if overflow > 0:
        found.append(f"scrolls {overflow} px sideways ({', '.join(sticking_out(page))})")
    squeezed = squeezed_text(page)
    if squeezed:
        found.append(f"text squeezed: {squeezed}")
    wrapped = page.evaluate(WRAPPED_WORDS, 8)
    if wrapped:
        found.append(f"short texts of the list on two lines or more: {wrapped}")
    cut = page.evaluate(CUT)
    if cut:
        found.append(f"cut: {cut}")
    return [f"{what} at {label} px: {p}" for p in found]


@pytest.mark.timeout(900)
def test_admin_pages_read_well_at_both_widths(scene, live_server, browser, screenshots_dir):
    pages = admin_pages()  # the ORM before Playwright
    assert set(WIDGETS) <= {name for name, _ in pages}
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server.url, "admin", DEMO_PASSWORD)
    failures = []
    for name, path in pages:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, (path, response.status)
        page.wait_for_load_state("networkidle")
        if name in WIDGETS:  # the widget the page is audited for is still there
            assert page.locator(WIDGETS[name]).count() == WIDGETS[name].count(",") + 1, name
        for label, viewport in WIDTHS:
            page.set_viewport_size(viewport)
            failures += problems(page, f"{name} ({path})", label)
            if violations := run_axe(page):
                failures.append(f"{name} at {label} px: axe\n{format_violations(violations)}")
            shot = SHOTS.get(name.removesuffix(" change"))
            if shot:
                kind = "change" if name.endswith(" change") else "list"
                page.screenshot(
                    path=str(screenshots_dir / f"admin-{shot}-{kind}-{label}.png"), full_page=True
                )
        page.set_viewport_size(DESKTOP)
    context.close()
    assert not failures, "admin pages:\n" + "\n".join(failures)
