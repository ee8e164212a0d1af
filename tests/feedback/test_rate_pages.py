"""The rating pages: the link's page (QR code, ``?via=sms``) for anyone holding it, the
links on the notice check and the progress query for whoever proves the verification
code, and "my applications" online with the 追评. No page shows a staff name to the
citizen; staff accounts are refused; the link's page is rate-limited."""

import pytest

from feedback.constants import InstanceState, Level, RatingChannel, Stage
from feedback.models import Rating, ServiceInstance
from feedback.tokens import rating_url
from intake.constants import NoticeKind
from tests.factories import UserFactory, make_citizen

pytestmark = pytest.mark.django_db


def staff_names(*users):
    return [value for user in users for value in (user.username, user.full_name) if value]


def test_the_link_shows_the_service_without_staff_names(client, concluded):
    instance = ServiceInstance.objects.get(application=concluded, stage=Stage.CONCLUSION)
    task = concluded.tasks.get()
    response = client.get(rating_url(instance))
    assert response.status_code == 200
    page = response.content.decode()
    assert concluded.item_version.name in page
    assert "办结服务" in page
    assert task.department.name in page
    assert concluded.case_number in page
    for name in staff_names(task.assignee, concluded.accepted_by):
        assert name not in page, name
    assert "非常满意" in page
    assert "非常不满意" in page
    assert "data-rate-reasons" in page


def test_the_qr_link_records_the_qr_channel(client, intake_instance):
    url = rating_url(intake_instance)
    response = client.post(url, {"level": "2", "text": "窗口很耐心"})
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert (rating.level, rating.channel, rating.rater) == (Level.SATISFIED, "qr", None)
    page = client.get(url).content.decode()
    assert "感谢您的评价" in page
    assert "您的评价" in page
    assert 'data-testid="rate-form"' not in page


def test_the_sms_copy_records_the_sms_channel(client, intake_instance):
    url = rating_url(intake_instance, via="sms")
    response = client.post(url, {"level": "1"})
    assert response.status_code == 302
    assert response["Location"].endswith("?via=sms")
    assert Rating.objects.get().channel == RatingChannel.SMS


def test_a_bad_rating_without_a_reason_is_refused_on_the_page(client, intake_instance):
    url = rating_url(intake_instance)
    response = client.post(url, {"level": "4", "text": "等了很久"})
    assert response.status_code == 400
    assert "评价为“不满意”时，请至少选择一项原因" in response.content.decode()
    assert not Rating.objects.exists()
    response = client.post(url, {"level": "4", "reasons": ["efficiency"], "text": "等了很久"})
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert (rating.level, rating.reasons) == (Level.DISSATISFIED, ["efficiency"])


def test_reasons_left_checked_on_a_better_level_are_dropped(client, intake_instance):
    client.post(rating_url(intake_instance), {"level": "3", "reasons": ["attitude"]})
    assert Rating.objects.get().reasons == []


def test_the_link_is_usable_once(client, intake_instance):
    url = rating_url(intake_instance)
    assert client.post(url, {"level": "2"}).status_code == 302
    response = client.post(rating_url(intake_instance), {"level": "5", "reasons": ["other"]})
    assert response.status_code == 409  # the page says it is rated, with no form
    assert "只能评价一次" in response.content.decode()
    assert Rating.objects.get().level == Level.SATISFIED


def test_a_bad_link_is_refused(client, intake_instance):
    url = rating_url(intake_instance)
    token = url.split("/")[3]
    response = client.get(
        f"/feedback/rate/{token[:3]}{'x' if token[3] != 'x' else 'y'}{token[4:]}/"
    )
    assert response.status_code == 404
    assert "评价链接无效" in response.content.decode()


def test_staff_are_refused_on_the_link(client, intake_instance, clerk):
    client.force_login(clerk)
    url = rating_url(intake_instance)
    assert "工作人员账号不能参与好差评" in client.get(url).content.decode()
    response = client.post(url, {"level": "1"})
    assert response.status_code == 403
    assert not Rating.objects.exists()


def test_the_link_is_rate_limited_per_token_and_per_address(client, intake_instance, settings):
    settings.FEEDBACK_RATE_LIMIT_TOKEN = "3/hour"
    settings.FEEDBACK_RATE_LIMIT_ADDRESS = "5/hour"
    url = rating_url(intake_instance)
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    response = client.post(url, {"level": "1"})
    assert response.status_code == 429
    assert "评价请求过于频繁" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert not Rating.objects.exists()
    # Another link from the same address goes on until the address's own limit.
    assert client.get("/feedback/rate/another-link/").status_code == 404
    assert client.get("/feedback/rate/yet-another-link/").status_code == 429


def test_the_notice_check_offers_the_rating_link(client, case):
    notice = case.notices.get(kind=NoticeKind.ACCEPTANCE)
    page = client.get(f"/intake/verify/{notice.verification_code}/").content.decode()
    assert "评价受理服务" in page
    assert "/feedback/rate/" in page
    # Rated: no more link.
    instance = ServiceInstance.objects.get(application=case)
    client.post(rating_url(instance), {"level": "1"})
    page = client.get(f"/intake/verify/{notice.verification_code}/").content.decode()
    assert "/feedback/rate/" not in page


def test_the_progress_query_offers_it_only_with_the_code(client, case):
    code = case.notices.get(kind=NoticeKind.ACCEPTANCE).verification_code
    wrong = client.post("/intake/progress/", {"case_number": case.case_number, "code": "WRONG"})
    assert "/feedback/rate/" not in wrong.content.decode()
    right = client.post("/intake/progress/", {"case_number": case.case_number, "code": code})
    assert right.status_code == 200
    assert "/feedback/rate/" in right.content.decode()


# --- "my applications" ---------------------------------------------------------------------


def test_my_application_shows_rate_for_each_open_service(client, concluded):
    client.force_login(concluded.applicant.user)
    page = client.get(f"/intake/my/{concluded.pk}/").content.decode()
    assert "服务评价（好差评）" in page
    assert page.count('data-testid="rate-link"') == 2
    for name in staff_names(concluded.accepted_by, concluded.tasks.get().assignee):
        assert name not in page


def test_the_applicant_rates_online_then_follows_up(client, case, applicant):
    instance = ServiceInstance.objects.get(application=case)
    client.force_login(applicant.user)
    url = f"/feedback/my/{instance.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'data-testid="rate-form"' in page.content.decode()
    response = client.post(
        url,
        {"level": "5", "reasons": ["attitude", "other"], "text": "态度生硬", "sub_attitude": "1"},
    )
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert (rating.channel, rating.rater, rating.level) == (
        RatingChannel.ONLINE,
        applicant.user,
        Level.VERY_DISSATISFIED,
    )
    assert rating.sub_scores == {"attitude": 1}
    page = client.get(url).content.decode()
    assert "态度生硬" in page
    assert 'data-testid="follow-up-form"' in page
    detail = client.get(f"/intake/my/{case.pk}/").content.decode()
    assert "非常不满意" in detail
    assert "追评" in detail
    response = client.post(f"/feedback/my/{instance.pk}/follow-up/", {"text": "已电话回访"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "已电话回访" in page
    assert 'data-testid="follow-up-form"' not in page
    instance.refresh_from_db()
    assert instance.state == InstanceState.RATED


def test_nobody_else_rates_my_service(client, case):
    instance = ServiceInstance.objects.get(application=case)
    client.force_login(make_citizen("路人").user)
    assert client.get(f"/feedback/my/{instance.pk}/").status_code == 404
    assert client.post(f"/feedback/my/{instance.pk}/", {"level": "1"}).status_code == 404
    client.force_login(UserFactory(clerk=True))
    assert client.get(f"/feedback/my/{instance.pk}/").status_code == 404
    assert not Rating.objects.exists()


def test_my_rating_page_needs_a_login(client, intake_instance):
    response = client.get(f"/feedback/my/{intake_instance.pk}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_rating_page_stands_under_its_application(client, case, applicant):
    """当前位置: 我的申请 / the application's reference / 服务评价."""
    instance = ServiceInstance.objects.get(application=case)
    client.force_login(applicant.user)
    html = client.get(f"/feedback/my/{instance.pk}/").content.decode()
    assert '<li class="breadcrumb-item"><a href="/intake/my/">我的申请</a></li>' in html
    assert (
        f'<li class="breadcrumb-item"><a href="/intake/my/{case.pk}/">{case.reference}</a></li>'
        in html
    )
    assert '<li class="breadcrumb-item active" aria-current="page">服务评价</li>' in html


def test_a_bad_rating_tells_the_rater_who_rectifies_it_and_by_when(client, concluded):
    """After a 差评 the applicant's page says which unit takes it up (never a person)
    and the time limits of the call back and the rectification."""
    instance = ServiceInstance.objects.get(application=concluded, stage=Stage.CONCLUSION)
    client.force_login(concluded.applicant.user)
    url = f"/feedback/my/{instance.pk}/"
    response = client.post(url, {"level": "4", "reasons": ["efficiency"], "text": "等了很久"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    department = concluded.tasks.get().department.name
    assert f"您的差评已转{department}核实整改（待回访核实）" in page
    assert "1 个工作日内与您电话联系核实情况，15 个工作日内整改并答复您" in page
    for name in staff_names(concluded.tasks.get().assignee):
        assert name not in page


def test_a_good_rating_mentions_no_rectification(client, conclusion_instance):
    client.force_login(conclusion_instance.application.applicant.user)
    url = f"/feedback/my/{conclusion_instance.pk}/"
    assert client.post(url, {"level": "1"}).status_code == 302
    assert 'data-testid="rating-order"' not in client.get(url).content.decode()
