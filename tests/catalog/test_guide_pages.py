"""Public service guides (办事指南): pages in Chinese with every element of an item,
empty states and refusals, the one-time notice as a real and cached PDF, bundles with
their merged materials, and list pages whose query count stays flat as items grow."""

import subprocess
from datetime import date

import pytest
from django.urls import reverse

from accounts.constants import DepartmentKind
from accounts.models import Department
from catalog import notices
from catalog.constants import (
    CaseType,
    Channel,
    ItemType,
    MaterialRequirement,
    OnlineDepth,
    Theme,
    TongbanScope,
)
from catalog.demo import FAQ_PROGRESS
from catalog.selectors import bundle_material_list
from catalog.services import version_create_draft, version_publish, version_retire
from tests.factories import (
    DelegationFactory,
    UserFactory,
    bundle_add,
    department,
    hall,
    make_bundle,
    make_citizen,
    make_item,
    material,
    publish_item,
)

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "notice.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def rich_item():
    """An item with every element filled in: parallel (联办) steps, a fee, nearby units,
    both halls, 容缺 and optional materials, FAQs, a delegation and a bundle."""
    market = department("SCJ", "金普新区市场监督管理局", phone="0411-87650002")
    police = department("GAJ", "大连市公安局金普新区分局")
    station = department(
        "SCJ-S01", "金普新区市场监督管理局友谊市场监督管理所", DepartmentKind.STATION
    )
    station.short_name = "友谊所"
    station.save(update_fields=["short_name"])
    park = department("BSQ", "大连保税区管理委员会", DepartmentKind.PARK)
    halls = [hall("JP", "金普厅", "金马路 198 号"), hall("JZ", "金州厅", "斯大林路 688 号")]
    version = publish_item(
        "个人独资企业设立登记",
        dept=market,
        keywords="个独 营业执照",
        legal_basis="《中华人民共和国个人独资企业法》第九条；《中华人民共和国市场主体登记管理条例》",
        acceptance_conditions="投资人为一个自然人，具有完全民事行为能力。",
        process_description="网上或窗口提交申请 → 审查 → 核准",
        statutory_limit_days=15,
        promised_limit_days=8,
        fee_required=True,
        fee_description="工本费 10 元",
        fee_basis="《测试收费依据》",
        tongban_scope=TongbanScope.DISTRICT,
        channels=[Channel.WINDOW, Channel.PC, Channel.MOBILE],
        online_depth=OnlineDepth.PRE_REVIEW,
        visits_required=1,
        visits_reason="领取纸质营业执照",
        appointment_supported=True,
        online_payment_supported=True,
        postal_delivery_supported=True,
        location="金普厅综合受理窗口",
        office_hours="周一至周五 8:30–17:00",
        consult_phone="0411-87650002",
        complaint_phone="8890",
        faqs=[{"q": "可以在附近办理吗？", "a": "全区 12 个市场监督管理所均可受理。"}],
        result_name="营业执照",
        materials=[
            material("个人独资企业登记申请书", signature_requirement="投资人签字"),
            material("投资人身份证件", issuing_body="公安机关", copies=1),
            material("住所使用证明", tolerance_allowed=True, notes="租赁的提供租赁协议"),
            material(
                "授权委托书", requirement=MaterialRequirement.OPTIONAL, electronic_required=False
            ),
        ],
        steps=[
            {"stage": 1, "name": "受理", "department": market, "budget_days": 1},
            {"stage": 2, "name": "登记审查", "department": market, "budget_days": 4},
            {"stage": 2, "name": "住所核查", "department": police, "budget_days": 3},
            {"stage": 3, "name": "核准", "department": market, "budget_days": 2},
        ],
        relations={
            "co_departments": [police],
            "accepting_halls": halls,
            "accepting_units": [station],
        },
    )
    DelegationFactory(
        item=version.item,
        grantee=park,
        batch="第一批",
        granted_on=date(2020, 6, 30),
        document_number="大金普发〔2020〕35号",
    )
    make_bundle("qiye-kaiban", [version], "企业开办一件事")
    return version


def test_guide_home_in_chinese_for_anonymous_visitors(client, rich_item):
    response = client.get(reverse("catalog:home"))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ["办事指南", "个人办事", "法人办事", "企业开办一件事", "企业开办", "按部门"]:
        assert text in html
    assert "金普新区市场监督管理局" in html
    assert f"{reverse('catalog:item_list')}?audience=person" in html


def test_guide_home_empty_catalog(client):
    html = client.get(reverse("catalog:home")).content.decode()
    assert "暂无已发布的事项" in html
    assert "暂无“一件事”主题服务" in html


def test_site_home_offers_the_guide_to_anonymous_visitors(client):
    html = client.get(reverse("home")).content.decode()
    assert "办事指南" in html
    assert reverse("catalog:home") in html


def test_item_page_shows_every_element(client, rich_item):
    response = client.get(reverse("catalog:item_detail", args=[rich_item.item.code]))
    assert response.status_code == 200
    html = response.content.decode()
    expected = [
        # legal elements
        "个人独资企业设立登记",
        rich_item.item.code,
        rich_item.basic_code,
        "行政许可",
        "承诺件",
        "法定机关",
        "大连市公安局金普新区分局",  # 共同实施部门
        "自然人",
        "《中华人民共和国个人独资企业法》第九条",
        "投资人为一个自然人",
        # materials checklist
        "个人独资企业登记申请书",
        "投资人签字",
        "原件 1 份",
        "复印件 1 份",
        "必要",
        "非必要",
        "可容缺受理",
        "需电子材料",
        "纸质材料",
        "租赁的提供租赁协议",
        # workflow with the parallel stage as 联办
        "第 2 环节",
        "联办",
        "住所核查",
        "各环节合计 7 个工作日",
        # time limits
        "15 个工作日",
        "8",
        # fee
        "工本费 10 元",
        "《测试收费依据》",
        # where and how
        "全域通办",
        "金普厅",
        "斯大林路 688 号",
        "两厅通办",
        "友谊所",
        "保税区",
        "窗口办理、电脑端网办、移动端",
        "网上预审",
        "1 次：领取纸质营业执照",
        "预约办理",
        "支持，办理结果可免费邮寄送达",
        # delegation, contacts, FAQs, result, bundle
        "大金普发〔2020〕35号",
        "0411-87650002",
        "8890",
        "问：可以在附近办理吗？",
        "营业执照",
        "企业开办一件事",
        "下载一次告知书",
    ]
    missing = [text for text in expected if text not in html]
    assert not missing


def test_item_page_leaves_out_deactivated_units(client, rich_item):
    url = reverse("catalog:item_detail", args=[rich_item.item.code])
    units = ["友谊所", "大连保税区管理委员会"]
    html = client.get(url).content.decode()
    assert all(unit in html for unit in units)
    Department.objects.filter(code__in=["SCJ-S01", "BSQ"]).update(is_active=False)
    response = client.get(url)
    html = response.content.decode()
    assert not any(unit in html for unit in units)
    assert (response.context["nearby"], response.context["delegations"]) == ([], [])


def test_item_page_of_an_item_not_online_shows_the_reason(client):
    version = publish_item(
        "居民身份证申领",
        online_available=False,
        not_online_reason="需本人到场采集人像和指纹信息",
        channels=[Channel.WINDOW],
        online_depth=OnlineDepth.DOWNLOAD,
    )
    html = client.get(reverse("catalog:item_detail", args=[version.item.code])).content.decode()
    assert "不能网上办理" in html
    assert "需本人到场采集人像和指纹信息" in html
    assert "仅限窗口办理" in html


def test_a_material_count_of_none_is_left_out(client):
    """身份证明 is 原件 1 份 only, 其他材料 复印件 1 份 only: never "0 份"."""
    version = make_item(name="食品经营许可")  # tests.factories.ONLINE_MATERIALS
    html = client.get(reverse("catalog:item_detail", args=[version.item.code])).content.decode()
    assert html.count("原件 1 份") == 2  # 身份证明, 申请表
    assert html.count("复印件 1 份") == 1  # 其他材料
    assert "0 份" not in html


def test_a_faq_naming_a_page_links_it_by_name(client):
    version = make_item(
        faqs=[{"q": FAQ_PROGRESS[0], "a": FAQ_PROGRESS[1]}, {"q": "？", "a": "<b>“x”</b>"}]
    )
    html = client.get(reverse("catalog:item_detail", args=[version.item.code])).content.decode()
    assert '的<a href="/intake/progress/">办件进度查询</a>查询，也可拨打 8890' in html
    assert "（/intake/progress/）" not in html
    assert "答：&lt;b&gt;“x”&lt;/b&gt;" in html  # the rest of an answer stays text


def test_immediate_item_shows_on_the_spot(client):
    market = department("SCJ", "金普新区市场监督管理局")
    version = publish_item(
        "第二类医疗器械经营备案",
        dept=market,
        item_type=ItemType.OTHER_POWER,
        case_type=CaseType.IMMEDIATE,
        statutory_limit_days=0,
        promised_limit_days=0,
        fully_online=True,
        visits_required=0,
        visits_reason="",
        steps=[{"stage": 1, "name": "受理即办", "department": market, "budget_days": 0}],
    )
    html = client.get(reverse("catalog:item_detail", args=[version.item.code])).content.decode()
    assert "即办（当场办结）" in html
    assert "0 次（零跑动）" in html
    assert "全程网办" in html


def test_unknown_item_is_404(client):
    response = client.get(reverse("catalog:item_detail", args=["NO-SUCH-CODE"]))
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
    assert client.get(reverse("catalog:item_notice", args=["NO-SUCH-CODE"])).status_code == 404


def test_draft_and_retired_items_are_not_public(client):
    draft = publish_item("尚未发布的事项", publish=False)
    retired = publish_item("已停用的事项")
    version_retire(version=retired, actor=None)
    for version in (draft, retired):
        code = version.item.code
        assert client.get(reverse("catalog:item_detail", args=[code])).status_code == 404
        assert client.get(reverse("catalog:item_notice", args=[code])).status_code == 404
    html = client.get(reverse("catalog:item_list")).content.decode()
    assert "尚未发布的事项" not in html
    assert "已停用的事项" not in html


def test_item_list_empty_states(client):
    html = client.get(reverse("catalog:item_list")).content.decode()
    assert "暂无已发布的事项" in html
    publish_item("个人独资企业设立登记")
    html = client.get(reverse("catalog:item_list"), {"q": "不存在的事项"}).content.decode()
    assert "没有找到符合条件的事项" in html
    assert "共 0 个事项" in html


def test_item_list_filters_by_department_theme_and_audience(client):
    market = department("SCJ", "金普新区市场监督管理局")
    water = department("SWU", "金普新区水务集团有限公司")
    publish_item("个人独资企业设立登记", dept=market, objects=("1",))
    publish_item("有限责任公司设立登记", dept=market, objects=("2",))
    publish_item("供水报装", dept=water, objects=("1", "2"), theme=Theme.UTILITIES)
    url = reverse("catalog:item_list")

    def names(**params):
        response = client.get(url, params)
        return {v.name for v in response.context["versions"]}

    assert names(department="SWU") == {"供水报装"}
    assert names(theme=Theme.UTILITIES) == {"供水报装"}
    assert names(audience="person") == {"个人独资企业设立登记", "供水报装"}
    assert names(audience="legal") == {"有限责任公司设立登记", "供水报装"}
    assert names(department="SCJ", audience="legal") == {"有限责任公司设立登记"}
    assert names(q="设立登记", audience="person") == {"个人独资企业设立登记"}


def test_item_list_refuses_bad_filters_with_chinese_messages(client):
    publish_item("个人独资企业设立登记")
    response = client.get(
        reverse("catalog:item_list"),
        {"department": "NOPE", "theme": "bogus", "audience": "alien", "page": "abc"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "未找到编码为“NOPE”的部门" in html
    assert "主题分类不存在" in html
    assert "服务对象只能选择“个人办事”或“法人办事”" in html
    assert "个人独资企业设立登记" in html  # the bad filters are dropped, not applied


def test_overlong_search_is_cut_with_a_message(client):
    publish_item("个人独资企业设立登记")
    response = client.get(reverse("catalog:item_list"), {"q": "个人独资" + "长" * 60})
    assert "检索词过长" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "found"),
    [
        ({"q": "个人\x00独资"}, True),
        ({"q": "\x00"}, True),
        ({"q": "！？，。、"}, False),
        ({"department": "SCJ\x00"}, True),
        ({"theme": "\x00", "audience": "\x00"}, True),
    ],
)
def test_odd_search_input_is_answered_not_a_500(client, params, found):
    publish_item("个人独资企业设立登记")
    response = client.get(reverse("catalog:item_list"), params)
    assert response.status_code == 200
    assert ("个人独资企业设立登记" in response.content.decode()) is found


def test_item_list_paginates(client):
    for n in range(23):
        publish_item(f"分页测试事项{n:02d}")
    first = client.get(reverse("catalog:item_list"))
    assert len(first.context["versions"]) == 20
    assert "第 1 / 2 页" in first.content.decode()
    second = client.get(reverse("catalog:item_list"), {"page": 2})
    assert len(second.context["versions"]) == 3
    beyond = client.get(reverse("catalog:item_list"), {"page": 99})
    assert len(beyond.context["versions"]) == 3  # the last page, not an error


def test_notice_pdf_is_a_real_pdf_with_the_item(client, rich_item, tmp_path):
    response = client.get(reverse("catalog:item_notice", args=[rich_item.item.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content, tmp_path)
    for expected in ["个人独资企业设立登记", "一次告知书", "住所使用证明", "可容缺", "联办"]:
        assert expected in text


def test_notice_pdf_is_cached_per_published_version(client, rich_item, monkeypatch):
    calls = []
    real = notices.render_pdf

    def counting(template_name, context):
        calls.append(context["version"].pk)
        return real(template_name, context)

    monkeypatch.setattr(notices, "render_pdf", counting)
    url = reverse("catalog:item_notice", args=[rich_item.item.code])
    first = client.get(url).content
    second = client.get(url).content
    assert calls == [rich_item.pk]
    assert first == second

    draft = version_create_draft(item=rich_item.item, actor=None)
    version_publish(version=draft, actor=None, change_note="新版本")
    client.get(url)
    assert calls == [rich_item.pk, draft.pk]  # a new version renders a new notice


def test_bundle_page_merges_shared_materials(client):
    market = department("SCJ", "金普新区市场监督管理局")
    police = department("GAJ", "大连市公安局金普新区分局")
    company = publish_item(
        "有限责任公司设立登记",
        dept=market,
        materials=[material("法定代表人身份证件", copies=1), material("公司章程")],
    )
    seal = publish_item(
        "公章刻制备案",
        dept=police,
        materials=[
            material("法定代表人身份证件", copies=2),
            material("营业执照", originals=0, copies=1, tolerance_allowed=True),
        ],
    )
    bundle = make_bundle("qiye-kaiban", [company, seal], "企业开办一件事")

    merged = bundle_material_list(bundle)
    by_name = {m.name: m for m in merged}
    assert list(by_name) == ["法定代表人身份证件", "公司章程", "营业执照"]
    shared = by_name["法定代表人身份证件"]
    assert [v.name for v in shared.versions] == ["有限责任公司设立登记", "公章刻制备案"]
    assert shared.copies == 2  # the most any item asks for
    assert by_name["营业执照"].tolerance_allowed

    response = client.get(reverse("catalog:bundle_detail", args=["qiye-kaiban"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("法定代表人身份证件") == 1
    assert "2 个事项共用" in html
    assert "1 项材料共用，只需提交一次" in html
    assert "用于：有限责任公司设立登记、公章刻制备案" in html
    assert "0 份" not in html  # 公司章程 is 原件 1 份 only, 营业执照 复印件 1 份 only


def test_bundle_notice_pdf(client, tmp_path):
    version = publish_item("供水报装")
    make_bundle("shuiqi", [version], "水气报装一件事", theme=Theme.UTILITIES)
    response = client.get(reverse("catalog:bundle_notice", args=["shuiqi"]))
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content, tmp_path)
    assert "水气报装一件事" in text
    assert "供水报装" in text


def test_unknown_or_inactive_bundle_is_404(client):
    make_bundle("old", name="已停用", theme=Theme.OTHER, is_active=False)
    assert client.get(reverse("catalog:bundle_detail", args=["old"])).status_code == 404
    assert client.get(reverse("catalog:bundle_detail", args=["nope"])).status_code == 404
    assert client.get(reverse("catalog:bundle_notice", args=["nope"])).status_code == 404


def test_bundle_page_leaves_out_unpublished_items(client):
    version = publish_item("供水报装")
    retired = publish_item("已停用的报装")
    version_retire(version=retired, actor=None)
    make_bundle("shuiqi", [version, retired], "水气报装一件事", theme=Theme.UTILITIES)
    html = client.get(reverse("catalog:bundle_detail", args=["shuiqi"])).content.decode()
    assert "供水报装" in html
    assert "已停用的报装" not in html


def _spreader():
    """``add(n)``: n more items spread over three departments, the audiences and themes;
    the first matches every filter of LIST_PAGES (so one row is shown, not none)."""
    made = []

    def add(count: int) -> None:
        departments = [department(f"D{n}", f"测试部门{n}") for n in range(3)]
        for _ in range(count):
            n = len(made) + 1
            made.append(
                publish_item(
                    f"流量测试事项{n:02d}",
                    dept=departments[n % 3],
                    objects=("1", "2") if n % 2 else ("2",),
                    theme=[Theme.BUSINESS_START, Theme.UTILITIES, Theme.TAX][n % 3],
                )
            )

    return add


LIST_PAGES = [
    ("catalog:home", {}),
    ("catalog:item_list", {}),
    ("catalog:item_list", {"q": "流量测试"}),
    ("catalog:item_list", {"audience": "person", "theme": Theme.UTILITIES}),
    ("catalog:item_list", {"department": "D1"}),
]


@pytest.mark.parametrize(("url_name", "params"), LIST_PAGES)
def test_list_pages_keep_a_flat_query_count(client, db, assert_flat_queries, url_name, params):
    def request():
        response = client.get(reverse(url_name), params)
        assert response.status_code == 200
        return response

    assert_flat_queries(request, _spreader())


def test_bundle_page_query_count_is_flat(client, db, assert_flat_queries):
    bundle = make_bundle("big", name="大一件事", theme=Theme.OTHER)
    made = []

    def add(n):
        for _ in range(n):
            version = publish_item(f"一件事事项{len(made)}")
            bundle_add(bundle, version)
            made.append(version)

    _one, twenty = assert_flat_queries(
        lambda: client.get(reverse("catalog:bundle_detail", args=["big"])), add
    )
    assert twenty.content.decode().count("一件事事项") >= 20


def test_item_and_bundle_pages_link_to_applying(client):
    online = make_item(name="食品经营许可")
    offline = make_item(name="居民身份证换领", online=False)
    bundle = make_bundle("kaiban", [online, offline])

    page = client.get(f"/guide/items/{online.item.code}/").content.decode()
    assert f'href="/intake/apply/{online.item.code}/"' in page
    assert "在线申请" in page
    page = client.get(f"/guide/items/{offline.item.code}/").content.decode()
    assert "暂不支持网办" in page
    page = client.get(f"/guide/bundles/{bundle.code}/").content.decode()
    assert f'href="/intake/bundles/{bundle.code}/apply/"' in page


@pytest.mark.parametrize(
    "who", ["anonymous", "citizen", "clerk", "approver", "catalog_admin", "system_admin"]
)
def test_the_guide_offers_applying_online_only_where_intake_lets_the_account_in(client, who):
    """在线申请 and 一次申请全部事项 lead a citizen to the start page and anyone signed
    out to the login; intake refuses every other account (403), so the guide offers
    them a note instead of the button."""
    online = make_item(name="食品经营许可")
    bundle = make_bundle("kaiban", [online])
    if who == "citizen":
        client.force_login(make_citizen().user)
    elif who != "anonymous":
        client.force_login(UserFactory(**{who: True}))
    pages = [
        (f"/guide/items/{online.item.code}/", f"/intake/apply/{online.item.code}/"),
        (f"/guide/bundles/{bundle.code}/", f"/intake/bundles/{bundle.code}/apply/"),
    ]
    for guide, apply in pages:
        page = client.get(guide).content.decode()
        offered = f'href="{apply}"' in page
        assert offered == (who in ("anonymous", "citizen")), (guide, who)
        if offered:
            assert client.get(apply).status_code in (200, 302), (apply, who)
        else:
            assert "网上申请仅供办事群众账号使用" in page
            assert client.get(apply).status_code == 403, (apply, who)
