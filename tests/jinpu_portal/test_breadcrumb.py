"""includes/breadcrumb.html (当前位置): two levels, or three with the page in between, and
a guide item's page under its department, its 在线申请 page under the item (the rating
page's: tests/feedback/test_rate_pages.py)."""

import pytest
from django.template.loader import render_to_string

from tests.factories import department, make_citizen, make_item

CRUMB = '<li class="breadcrumb-item"><a href="{href}">{label}</a></li>'
CURRENT = '<li class="breadcrumb-item active" aria-current="page">{label}</li>'


def test_the_breadcrumb_links_a_middle_level_when_given():
    html = render_to_string(
        "includes/breadcrumb.html",
        {
            "parent_view": "catalog:home",
            "parent": "办事指南",
            "parent_url": "/guide/items/?department=SPJ&theme=x",
            "parent_label": "行政审批局",
            "current": "食品经营许可",
        },
    )
    assert html.index(">办事指南</a>") < html.index(
        '<li class="breadcrumb-item"><a href="/guide/items/?department=SPJ&amp;theme=x">'
        "行政审批局</a></li>"
    )
    assert '<li class="breadcrumb-item active" aria-current="page">食品经营许可</li>' in html
    assert html.count("breadcrumb-item") == 3


def test_the_breadcrumb_has_two_levels_without_a_middle_one():
    html = render_to_string(
        "includes/breadcrumb.html",
        {"parent_view": "catalog:home", "parent": "办事指南", "current": "事项列表"},
    )
    assert html.count("breadcrumb-item") == 2
    assert '<nav aria-label="当前位置">' in html


@pytest.mark.django_db
def test_a_guide_item_stands_under_its_department(client):
    spj = department("SPJ", short_name="行政审批局")
    version = make_item(name="食品经营许可（新办）", department=spj)
    html = client.get(f"/guide/items/{version.item.code}/").content.decode()
    assert CRUMB.format(href="/guide/", label="办事指南") in html
    assert CRUMB.format(href="/guide/items/?department=SPJ", label="行政审批局") in html
    assert CURRENT.format(label="食品经营许可（新办）") in html


@pytest.mark.django_db
def test_the_online_apply_page_leads_back_through_the_guide(client):
    version = make_item(name="食品经营许可（新办）")
    client.force_login(make_citizen().user)
    html = client.get(f"/intake/apply/{version.item.code}/").content.decode()
    trail = [
        CRUMB.format(href="/", label="首页"),
        CRUMB.format(href="/guide/", label="办事指南"),
        CRUMB.format(href=f"/guide/items/{version.item.code}/", label="食品经营许可（新办）"),
        CURRENT.format(label="在线申请"),
    ]
    assert all(crumb in html for crumb in trail)
    assert [html.index(crumb) for crumb in trail] == sorted(html.index(c) for c in trail)
    assert html.count("breadcrumb-item") == 4
