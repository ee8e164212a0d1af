"""Catalog search: 个人独资 finds 个人独资企业设立登记 on SQLite and on PostgreSQL (where
the character-gram index of migration 0006 serves it), by name, code, keyword and
department, published versions only, name matches first."""

import pytest
from django.db import connection
from django.db.models import F

from catalog.models import ItemVersion
from catalog.selectors import (
    SearchTextContains,
    item_version_search,
    published_versions,
    term_grams,
)
from catalog.services import version_create_draft, version_retire
from tests.factories import department, publish_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def registrations():
    market = department("SCJ", "金普新区市场监督管理局")
    return {
        "sole": publish_item("个人独资企业设立登记", dept=market, keywords="个独 营业执照"),
        "one_person": publish_item("一人有限公司设立登记", dept=market, keywords="一人公司"),
        "water": publish_item(
            "供水报装", dept=department("SWU", "金普新区水务集团有限公司"), keywords="接水 用水"
        ),
    }


def names(q: str, queryset=None) -> list[str]:
    return [v.name for v in item_version_search(q=q, queryset=queryset)]


def assert_finds_sole_proprietorship():
    assert names("个人独资") == ["个人独资企业设立登记"]
    assert names("独资企业") == ["个人独资企业设立登记"]


def test_finds_sole_proprietorship_by_part_of_its_name(registrations):
    assert_finds_sole_proprietorship()


def search_plan(term: str) -> str:
    """The plan of the search's predicate alone (so the planner cannot prefer another
    index, such as the partial unique one on published versions, for a table of three
    rows), with only bitmap scans left: they need an index matching the predicate."""
    predicate = ItemVersion.objects.filter(SearchTextContains(F("search_text"), term))
    sql, params = predicate.order_by().values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)  # noqa: S608 - Django's own SQL
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres
def test_finds_sole_proprietorship_on_postgresql_with_the_gram_index(registrations):
    assert connection.vendor == "postgresql"
    assert_finds_sole_proprietorship()
    # Chinese has no case: LIKE (faster than ILIKE on multibyte text); codes: ILIKE.
    assert 'search_text" LIKE' in str(item_version_search(q="个人独资").query)
    assert 'search_text" ILIKE' in str(item_version_search(q="ma0y").query)
    # Terms of one, two and more characters, and codes, are all served by the index.
    for term in ("个人独资", "社保", "证", "ma0y"):
        assert "catalog_itemversion_search_grams" in search_plan(term), term


@pytest.mark.postgres
def test_the_gram_index_agrees_with_like_on_every_substring(registrations):
    """Every substring of a stored text is found through the grams, whatever its
    length or case, and a term whose bigrams occur apart is not."""
    sole = registrations["sole"]
    text = ItemVersion.objects.get(pk=sole.pk).search_text
    words = text.split()
    for word in words:
        for start in range(len(word)):
            for end in range(start + 1, min(len(word), start + 6) + 1):
                term = word[start:end]
                found = ItemVersion.objects.filter(SearchTextContains(F("search_text"), term))
                assert sole.pk in set(found.values_list("pk", flat=True)), term
                upper = ItemVersion.objects.filter(
                    SearchTextContains(F("search_text"), term.upper())
                )
                assert sole.pk in set(upper.values_list("pk", flat=True)), term.upper()
    # 独资 and 设立 both occur, 独资设立 does not: the LIKE check drops it.
    assert names("独资设立") == []


def test_term_grams():
    assert term_grams("证") == ["证"]
    assert term_grams("社保") == ["社保"]
    assert term_grams("保税区") == ["保税", "税区"]
    assert term_grams("MA0Y") == ["0y", "a0", "ma"]
    # Cased letters beyond ASCII: PostgreSQL's lower() might differ; LIKE alone.
    assert term_grams("Ｍａ") is None


def test_finds_by_code_keyword_and_department(registrations):
    sole = registrations["sole"]
    assert names(sole.item.code) == ["个人独资企业设立登记"]
    assert names(sole.item.code.lower()) == ["个人独资企业设立登记"]  # codes in any case
    assert names(sole.basic_code) == ["个人独资企业设立登记"]
    assert names("个独") == ["个人独资企业设立登记"]
    assert names("接水") == ["供水报装"]
    assert names("水务集团") == ["供水报装"]
    assert set(names("市场监督管理局")) == {"个人独资企业设立登记", "一人有限公司设立登记"}


def test_every_term_must_match(registrations):
    assert names("设立登记 一人") == ["一人有限公司设立登记"]
    assert names("设立登记\u3000个独") == ["个人独资企业设立登记"]  # full-width space
    assert names("设立登记 供水") == []


def test_name_matches_rank_first(registrations):
    market = department("SCJ", "金普新区市场监督管理局")
    publish_item("企业名称自主申报", dept=market, keywords="个人独资 名称")
    assert names("个人独资") == ["个人独资企业设立登记", "企业名称自主申报"]


def test_only_published_versions(registrations):
    sole = registrations["sole"]
    version_create_draft(item=sole.item, actor=None)  # a draft beside the published one
    publish_item("个人独资企业变更登记", publish=False)
    assert names("个人独资") == ["个人独资企业设立登记"]
    version_retire(version=sole, actor=None)
    assert names("个人独资") == []


def test_blank_query_filters_nothing(registrations):
    assert item_version_search(q="   ").count() == 3
    assert item_version_search(q="").count() == 3


def test_wildcards_are_literal(registrations):
    assert names("%") == []
    assert names("_") == []
    assert names("个人%登记") == []


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("ＩＣＰ", ["ICP经营许可（增值电信）"]),
        ("ｉｃｐ　经营", ["ICP经营许可（增值电信）"]),
        ("（增值电信）", ["ICP经营许可（增值电信）"]),
        ("！？，。", []),
    ],
)
def test_full_width_letters_find_half_width_ones(registrations, q, found):
    publish_item("ICP经营许可（增值电信）")
    assert names(q) == found


def test_queryset_narrows_and_stays_published(registrations):
    market_only = published_versions().filter(department__code="SCJ")
    # Equal rank (both names hold the query): by item code, i.e. creation order here.
    assert names("设立登记", queryset=market_only) == [
        "个人独资企业设立登记",
        "一人有限公司设立登记",
    ]
    draft = publish_item("个人独资草稿事项", publish=False)
    assert draft.name not in names("个人独资", queryset=ItemVersion.objects.all())


def test_ties_sort_by_the_items_code_copied_on_every_version(registrations):
    """Every version carries its item's code (``item_code``: the first and a later draft
    alike), and the search sorts ties by it without joining the items; an import
    (catalog.excel) makes its versions through the same ``save``."""
    sole, one_person = registrations["sole"], registrations["one_person"]
    draft = version_create_draft(item=sole.item, actor=None)
    for version in (sole, one_person, draft):
        version.refresh_from_db()
        assert version.item_code == version.item.code
    ordered = sorted([sole, one_person], key=lambda v: v.item.code)
    # "设立登记" is in both names: one rank, so the item code decides.
    assert names("设立登记") == [v.name for v in ordered]
    sql = str(item_version_search(q="设立登记").query)
    assert "catalog_serviceitem" not in sql
    assert sql.rstrip().endswith('"catalog_itemversion"."item_code" ASC')
