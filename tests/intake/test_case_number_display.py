"""An application that never became a case (withdrawn, refused, not yet accepted) says
so where a case number would stand, never "办件编号 None"."""

from intake.services.cases import application_withdraw
from tests.factories import submit_online


def test_a_withdrawn_applications_pages_show_no_none(client, applicant, item):
    application = submit_online(applicant, item)
    client.force_login(applicant.user)
    assert "受理后生成" in client.get(f"/intake/my/{application.pk}/").content.decode()
    application_withdraw(application=application, actor=applicant.user)
    for url in (f"/intake/my/{application.pk}/", f"/approvals/cases/{application.pk}/"):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert "None" not in html, url
        assert "无（已撤回，未受理）" in html, url
        assert "受理后生成" not in html, url
