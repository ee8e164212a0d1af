"""The list pages with nothing to list show the portal's empty card (includes/empty_state.html:
class empty-state) with their message, hint and links."""

from html.parser import HTMLParser

import pytest

from tests.factories import (
    hall,
    make_bundle,
    make_citizen,
    make_clerk,
    make_supervisor,
)

pytestmark = pytest.mark.django_db


class _EmptyCards(HTMLParser):
    """The text (and link labels) of each element whose class list holds empty-state."""

    def __init__(self):
        super().__init__()
        self.cards: list[str] = []
        self._depth = 0  # open elements inside the current card (0: outside any)

    def handle_starttag(self, tag, attrs):
        if self._depth:
            self._depth += 1
        elif "empty-state" in (dict(attrs).get("class") or "").split():
            self.cards.append("")
            self._depth = 1

    def handle_endtag(self, tag):
        if self._depth:
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.cards[-1] += data.strip()


def empty_cards(html: str) -> list[str]:
    parser = _EmptyCards()
    parser.feed(html)
    return parser.cards


@pytest.fixture
def people():
    citizen = make_citizen()
    return {
        "anonymous": None,
        "citizen": citizen.user,
        "clerk": make_clerk(),
        "supervisor": make_supervisor(),
        "citizen_pk": citizen.pk,
    }


# (who, path, the texts each card shows, in the page's order)
PAGES = [
    (
        "anonymous",
        "/guide/",
        ["暂无“一件事”主题服务。", "暂无已发布的事项。", "暂无已发布的事项，请稍后再来。"],
    ),
    (
        "anonymous",
        "/guide/items/",
        ["暂无已发布的事项事项目录正在整理中，请稍后再来，或拨打 8890 咨询。"],
    ),
    (
        "anonymous",
        "/guide/items/?q=zzz",
        [
            "没有找到符合条件的事项请尝试更换关键词（如只输入“个人独资”“报装”），或减少筛选条件。查看全部事项"
        ],
    ),
    ("anonymous", "/intake/bundles/", ["暂无可办理的一件事。"]),
    (
        "citizen",
        "/intake/my/",
        [
            "您还没有申请在办事指南中找到要办的事项，点击“在线申请”即可开始；"
            "也可以办理“一件事”。返回首页一件事一次办"
        ],
    ),
    (
        "citizen",
        "/intake/notifications/",
        ["暂无消息申请提交、受理、补正、不予受理等办理进展会在这里通知您。"],
    ),
    ("citizen", "/hall/appointments/", ["您还没有预约。"]),
    ("citizen", "/intake/bundles/empty/apply/", ["该一件事暂无可办理的事项。"]),
    ("clerk", "/intake/workbench/", ["暂无待预审的网上申请。"]),
    ("clerk", "/intake/workbench/cases/", ["本窗口暂无办件。开始窗口收件"]),
    (
        "clerk",
        "/intake/workbench/counter/items/?applicant={citizen_pk}&q=zzz",
        ["没有找到与“zzz”相符的已发布事项，请换个关键词。"],
    ),
    (
        "clerk",
        "/approvals/counter/",
        ["暂无待出件的办件。", "暂无等待补正的办件。", "暂无待补交的容缺材料。"],
    ),
    ("clerk", "/feedback/pads/", ["本窗口还没有登记评价器。"]),
    ("supervisor", "/supervision/reports/", ["还没有生成过年度报告。"]),
    ("supervisor", "/hall/KF/windows/", ["本厅尚未设置窗口。"]),
]


@pytest.mark.parametrize(("who", "path", "cards"), PAGES, ids=[p[1] for p in PAGES])
def test_an_empty_list_shows_the_empty_card(client, people, who, path, cards):
    if "/bundles/empty/" in path:
        make_bundle("empty", [], name="我要开书店")  # a 一件事 whose items are all withdrawn
    hall("KF", name="开发区便民服务厅")  # a hall with no window yet
    if people[who]:
        client.force_login(people[who])
    response = client.get(path.format(citizen_pk=people["citizen_pk"]))
    assert response.status_code == 200
    assert empty_cards(response.content.decode()) == cards


def test_no_hall_shows_the_empty_card(client):
    html = client.get("/hall/").content.decode()
    assert empty_cards(html) == ["尚未设置大厅。"]
