"""A rejected counter form comes back with a summary of every problem at the top, each
linked to its field, with everything the clerk entered kept; a 容缺 material's due date
starts at the case's promised due date."""

import re

from django.urls import reverse
from django.utils import timezone

from catalog.calendar import add_working_days
from intake.constants import MaterialStatus, RefusalKind
from tests.factories import materials_of
from tests.intake.test_counter import form_data, intake_url, nothing_saved


def summary_links(html: str) -> list[tuple[str, str]]:
    block = html[html.index('data-testid="error-summary"') :]
    block = block[: block.index("</div>")]
    return re.findall(r'<a class="alert-link" href="#([^"]+)">([^<]+)</a>', block)


def test_the_summary_is_at_the_top_links_each_field_and_keeps_what_was_entered(
    client, clerk, applicant, item
):
    client.force_login(clerk)
    site = {m.name: m for m in item.materials.all()}["场地使用证明"]
    form = site.pk
    response = client.post(
        intake_url(item, applicant),
        form_data(
            item,
            outcome="refuse",
            overrides={"场地使用证明": {"status": MaterialStatus.DEFECTIVE, "reason": ""}},
            refusal_kind=RefusalKind.OUTSIDE_POWERS,
            refusal_reason="不属于本局职权",
            contact_phone="0411",  # too short
            note="申请人下午再来",
            green_channel="on",
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    links = summary_links(html)
    assert links == [
        (f"id_m{form}-reason", "材料“场地使用证明”有误，请说明问题。"),
        ("id_contact_phone", "联系电话格式错误：只能包含数字和“-”，7 至 20 位。"),
        (
            "id_redirect_to",
            "告知向何机关申请：不属于本机关职权范围的，应告知申请人向有关行政机关申请。",
        ),
    ]
    # The summary comes before the form, and every link points at a field on the page.
    assert html.index('data-testid="error-summary"') < html.index('<form method="post" novalidate>')
    for anchor, _ in links:
        assert f'id="{anchor}"' in html
    # What was entered is all still there.
    assert 'value="0411"' in html
    assert "申请人下午再来</textarea>" in html
    assert "不属于本局职权</textarea>" in html
    assert re.search(r'name="green_channel"[^>]*checked', html)
    assert re.search(rf'id="id_m{form}-status_2" value="defective"[^>]*checked', html)
    nothing_saved()


def test_an_unchosen_verdict_links_to_its_first_radio(client, clerk, applicant, item):
    client.force_login(clerk)
    data = form_data(item)
    form = materials_of_item(item)["申请表"].pk
    del data[f"m{form}-status"]
    del data["outcome"]
    response = client.post(intake_url(item, applicant), data)
    assert response.status_code == 400
    assert summary_links(response.content.decode()) == [
        (f"id_m{form}-status_0", "请选择材料“申请表”的核验结果。"),
        ("id_outcome_0", "受理结论：请选择受理结论：受理、一次性告知补正或不予受理。"),
    ]


def test_a_valid_form_shows_no_summary(client, clerk, applicant, item):
    client.force_login(clerk)
    assert "error-summary" not in client.get(intake_url(item, applicant)).content.decode()


def test_a_tolerated_materials_due_date_starts_at_the_promised_due_date(
    client, clerk, applicant, item
):
    client.force_login(clerk)
    promised = add_working_days(timezone.localdate(), item.promised_limit_days)
    html = client.get(intake_url(item, applicant)).content.decode()
    site = materials_of_item(item)["场地使用证明"].pk
    assert re.search(
        rf'name="m{site}-tolerance_due_date" value="{promised.isoformat()}"', html
    ) or re.search(rf'value="{promised.isoformat()}"[^>]*name="m{site}-tolerance_due_date"', html)


def test_the_review_of_an_online_submission_gets_the_summary_too(client, clerk, applicant, item):
    from tests.factories import submit_online

    application = submit_online(applicant, item)
    client.force_login(clerk)
    materials = materials_of(application)
    response = client.post(
        reverse("intake:workbench-application", args=[application.pk]),
        {
            **{
                f"m{m.pk}-{count}": 0
                for m in materials.values()
                for count in ("originals", "copies")
            },
            f"m{materials['申请表'].pk}-status": MaterialStatus.DEFECTIVE,
            f"m{materials['场地使用证明'].pk}-status": MaterialStatus.RECEIVED,
            f"m{materials['其他补充材料'].pk}-status": "pending",
            "outcome": "correction",
        },
    )
    assert response.status_code == 400
    assert summary_links(response.content.decode()) == [
        (f"id_m{materials['申请表'].pk}-reason", "材料“申请表”有误，请说明问题。")
    ]


def materials_of_item(item):
    return {m.name: m for m in item.materials.all()}
