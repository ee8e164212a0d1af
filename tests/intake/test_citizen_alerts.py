"""The citizen's home and menu show the unread messages and the applications waiting
for them to correct materials (待补正), with counts and links."""

from intake.constants import MaterialStatus
from intake.services.cases import intake_request_correction
from tests.factories import materials_of, submit_online, verdict


def test_home_and_menu_show_unread_and_waiting(client, clerk, applicant, item):
    client.force_login(applicant.user)
    html = client.get("/").content.decode()
    assert 'data-testid="home-alert"' not in html
    application = submit_online(applicant, item)
    intake_request_correction(
        application=application,
        actor=clerk,
        verdicts=[verdict(materials_of(application)["申请表"], MaterialStatus.MISSING)],
    )
    html = client.get("/").content.decode()
    assert "1 件申请待补正材料" in html
    assert "2 条未读消息" in html  # submitted, correction requested
    assert html.count('data-testid="menu-alert"') == 2
    assert 'href="/intake/my/?status=waiting"' in html
    waiting = client.get("/intake/my/?status=waiting").content.decode()
    assert "待补正的申请" in waiting
    assert f"/intake/my/{application.pk}/" in waiting
    assert 'data-testid="menu-waiting"' in waiting


def test_a_clerk_gets_no_citizen_alerts(client, clerk):
    client.force_login(clerk)
    assert 'data-testid="home-alert"' not in client.get("/").content.decode()
