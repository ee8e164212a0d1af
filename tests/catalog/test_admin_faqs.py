"""The version editor's FAQ field (catalog.admin_widgets): question/answer rows, not raw
JSON; its validation in Chinese; the admin change page saves and re-renders it."""

import pytest
from django.urls import reverse

from catalog.admin_widgets import ANSWER_MAX, MAX_FAQS, QUESTION_MAX, FaqField, FaqWidget
from catalog.services import version_create_draft


def post(rows, name="faqs") -> dict:
    data = {f"{name}-TOTAL": str(len(rows))}
    for index, (question, answer) in enumerate(rows):
        data[f"{name}-{index}-q"] = question
        data[f"{name}-{index}-a"] = answer
    return data


def clean(rows):
    field = FaqField()
    return field.clean(field.widget.value_from_datadict(post(rows), {}, "faqs"))


def errors(rows) -> list[str]:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        clean(rows)
    return caught.value.messages


def test_rows_become_the_stored_list_blank_rows_dropped_text_stripped():
    assert clean(
        [("  可以代办吗？ ", " 可以。 "), ("", ""), ("要几天？", "5 个工作日。"), ("", " ")]
    ) == [
        {"q": "可以代办吗？", "a": "可以。"},
        {"q": "要几天？", "a": "5 个工作日。"},
    ]
    assert clean([]) == []


def test_each_faq_needs_question_and_answer_named_by_its_row():
    assert errors([("可以代办吗？", "可以。"), ("", ""), ("要几天？", ""), ("", "免费。")]) == [
        "第 2 条：请填写回答（只填了问题）。",
        "第 3 条：请填写问题（只填了回答）。",
    ]


def test_lengths_duplicates_and_count():
    long_q = "问" * (QUESTION_MAX + 1)
    long_a = "答" * (ANSWER_MAX + 1)
    assert errors([(long_q, "好。")]) == [
        f"第 1 条：问题不能超过 {QUESTION_MAX} 字（现有 {QUESTION_MAX + 1} 字）。"
    ]
    assert errors([("问？", long_a)]) == [
        f"第 1 条：回答不能超过 {ANSWER_MAX} 字（现有 {ANSWER_MAX + 1} 字）。"
    ]
    assert errors([("可以代办吗？", "可以。"), ("可以代办吗？", "不可以。")]) == [
        "第 2 条与第 1 条的问题相同。"
    ]
    many = [(f"问题{i}？", "回答。") for i in range(MAX_FAQS + 1)]
    assert errors(many) == [f"常见问题最多 {MAX_FAQS} 条，现有 {MAX_FAQS + 1} 条。"]


def test_a_forged_total_is_bounded():
    widget = FaqWidget()
    rows = widget.value_from_datadict({"faqs-TOTAL": "100000000"}, {}, "faqs")
    assert len(rows) <= MAX_FAQS + 50
    assert widget.value_from_datadict({"faqs-TOTAL": "x"}, {}, "faqs") == []


def test_widget_renders_labelled_rows_plus_blank_ones():
    html = FaqWidget().render("faqs", [{"q": "可以代办吗？", "a": "可以。"}], {"id": "id_faqs"})
    assert '<label for="id_faqs_0_q">问题 <span class="faq-number">1</span></label>' in html
    assert '<label for="id_faqs_0_a">回答 <span class="faq-number">1</span></label>' in html
    assert 'value="可以代办吗？"' in html
    assert ">可以。</textarea>" in html
    assert 'name="faqs-TOTAL" value="3"' in html  # one filled + two blank
    assert "id_faqs_2_q" in html
    assert '"q"' not in html  # no JSON in sight


def test_has_changed_compares_the_cleaned_list():
    field = FaqField()
    stored = [{"q": "可以代办吗？", "a": "可以。"}]
    posted = field.widget.value_from_datadict(
        post([(" 可以代办吗？", "可以。"), ("", "")]), {}, "faqs"
    )
    assert not field.has_changed(stored, posted)
    assert field.has_changed(stored, field.widget.value_from_datadict(post([]), {}, "faqs"))


@pytest.mark.django_db
def test_admin_saves_faqs_and_refuses_half_rows(client, catalog_admin, make_item, department):
    from tests.catalog.test_admin import form_data

    published = make_item("11210213FAQ001", department, faqs=[{"q": "旧问题？", "a": "旧回答。"}])
    draft = version_create_draft(item=published.item, actor=catalog_admin)
    client.force_login(catalog_admin)
    url = reverse("admin:catalog_itemversion_change", args=[draft.pk])
    page = client.get(url)
    html = page.content.decode()
    assert 'id="id_faqs_0_q"' in html
    assert "旧问题？" in html
    assert "selectfilter" not in html.lower()  # checkbox lists, not the two-box selector
    data = form_data(page)
    data.pop("faqs", None)
    data.update(post([("旧问题？", "新回答。"), ("新问题？", "")]))
    response = client.post(url, data)
    assert response.status_code == 200
    assert "第 2 条：请填写回答（只填了问题）。" in response.content.decode()
    draft.refresh_from_db()
    assert draft.faqs == [{"q": "旧问题？", "a": "旧回答。"}]  # nothing saved
    data.update(post([("旧问题？", "新回答。"), ("新问题？", "新的回答。")]))
    response = client.post(url, data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.faqs == [{"q": "旧问题？", "a": "新回答。"}, {"q": "新问题？", "a": "新的回答。"}]
