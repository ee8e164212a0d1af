"""The review page when the ticket marked 本次叫号群众办理 ends between the form's check
and the saving (tests/hall/test_visit_outcome_race.py orders the calls the same way):
the page shown again (400) with the refusal, what was typed kept, at 1280 and 390 px,
axe (serious/critical: none). Screenshots: test-output/screenshots/visit-race-*.png."""

from intake.page_hooks import VISIT_GONE
from intake.views import workbench as workbench_views
from tests.e2e.axe import assert_fits_and_passes_axe
from tests.e2e.helpers import DESKTOP, PHONE, shoot, signed_in
from tests.factories import submit_online
from tests.hall.pages_support import hall_scene
from tests.hall.test_visit_outcome_race import ended_first
from tests.hall.test_visit_outcomes import review_page, served_by_services
from tests.intake.test_counter import form_data

FILL = """(fields) => {
  for (const [name, value] of Object.entries(fields)) {
    for (const el of document.getElementsByName(name)) {
      if (el.type === "radio" || el.type === "checkbox") el.checked = el.value === String(value);
      else el.value = value;
    }
  }
}"""


def test_the_review_refused_after_the_ticket_ended_meanwhile(
    clerk, supervisor, citizen, item, monkeypatch, live_server, screenshots_dir, browser
):
    scene = hall_scene(clerk, supervisor)
    real = workbench_views.outcome_apply
    for width, viewport in [("desktop", DESKTOP), ("phone", PHONE)]:
        ticket = served_by_services(scene, clerk)
        online = submit_online(citizen, item)
        monkeypatch.setattr(
            workbench_views, "outcome_apply", ended_first(real, ticket, scene, clerk)
        )
        _, page = signed_in(browser, viewport, live_server.url, clerk.username)
        page.goto(live_server.url + review_page(online))
        page.evaluate(FILL, {k: v for k, v in form_data(item, note="已核").items()})
        page.check("[data-testid=outcome-visit] input[name=visit]")
        page.click("text=确认办理")
        page.wait_for_load_state("networkidle")
        assert VISIT_GONE in page.content()
        assert page.input_value("textarea[name=note]") == "已核"
        assert page.locator("[data-testid=outcome-visit]").count() == 0
        assert_fits_and_passes_axe(page, f"visit race at {width}")
        shoot(page, screenshots_dir, f"visit-race-{width}")
        page.context.close()
