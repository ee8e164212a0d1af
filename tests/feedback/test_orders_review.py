"""回头看: a supervisor opens a batch over the unsatisfied cases of a period in their
scope (the 差评 rated in it and the unsatisfied return visits in it; appealed-away ones
left out) and follows each to a result; the batch is done when every entry has one."""

import datetime

import pytest
from django.urls import reverse

from feedback.constants import (
    AppealKind,
    Finding,
    ReviewBatchStatus,
    ReviewEntryStatus,
    ReviewResult,
    ReviewSource,
    VisitLevel,
)
from feedback.errors import FeedbackError, FeedbackPermissionDenied
from feedback.models import ReviewBatch
from feedback.services.orders import (
    appeal_decide,
    appeal_file,
    order_call_back,
    order_reply,
    order_visit,
    review_batch_open,
    review_entry_record,
    review_entry_token,
)
from tests.factories import accept_case, pdf_file
from tests.feedback.orders_support import bad_rating, order_of, refused

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def november(orders_scene, at):
    """Four orders: a 差评 of 2 November; one of 20 October whose return visit on
    3 November was unsatisfied; one of 20 October only; one of 2 November whose appeal
    was accepted."""
    s = orders_scene

    def case():
        return accept_case(s.version, clerk=s.hall_clerk, applicant=s.citizen)

    at(2026, 10, 20, 10)
    old_unsatisfied = order_of(bad_rating(case()))
    old_only = order_of(bad_rating(case()))
    order_call_back(order=old_unsatisfied, actor=s.hall_clerk, finding=Finding.TRUE, note="已联系")
    order_reply(order=old_unsatisfied, actor=s.hall_clerk, text="已整改。")
    at(2026, 11, 3, 10)
    order_visit(order=old_unsatisfied, actor=s.citizen.user, level=VisitLevel.UNSATISFIED)
    at(2026, 11, 2, 10)
    recent = order_of(bad_rating(s.case))
    appealed = order_of(bad_rating(case()))
    appeal = appeal_file(
        order=appealed,
        actor=s.hall_clerk,
        kind=AppealKind.MALICIOUS,
        reason="恶意评价",
        evidence=pdf_file(),
    )
    appeal_decide(appeal=appeal, actor=s.supervisor, accept=True, reason="属实")
    return {"recent": recent, "old_unsatisfied": old_unsatisfied, "old_only": old_only}


@pytest.fixture
def november_batch(orders_scene, november):
    """The 审批局's supervisor's 回头看 over November: the recent 差评 and the old order
    visited unsatisfied on 3 November."""
    return review_batch_open(
        actor=orders_scene.spj_supervisor,
        title="11月差评回头看",
        period_start=D(2026, 11, 1),
        period_end=D(2026, 11, 30),
    )


def test_a_batch_over_the_unsatisfied_cases_of_a_period(orders_scene, november, november_batch):
    s = orders_scene
    batch = november_batch
    entries = {entry.order: entry for entry in batch.entries.all()}
    assert set(entries) == {november["recent"], november["old_unsatisfied"]}
    assert entries[november["recent"]].source == ReviewSource.BAD_RATING
    assert entries[november["old_unsatisfied"]].source == ReviewSource.UNSATISFIED_VISIT
    assert batch.status == ReviewBatchStatus.OPEN

    with pytest.raises(FeedbackPermissionDenied):
        review_entry_record(
            entry=entries[november["recent"]], actor=s.far_supervisor, result="resolved", note="x"
        )
    with pytest.raises(FeedbackError):
        review_entry_record(
            entry=entries[november["recent"]], actor=s.spj_supervisor, result="", note="x"
        )
    first = review_entry_record(
        entry=entries[november["recent"]],
        actor=s.spj_supervisor,
        result=ReviewResult.RESOLVED,
        note="电话回访，群众表示问题已解决。",
    )
    assert (first.status, first.checked_by) == (ReviewEntryStatus.DONE, s.spj_supervisor)
    batch.refresh_from_db()
    assert batch.status == ReviewBatchStatus.OPEN
    review_entry_record(
        entry=entries[november["old_unsatisfied"]],
        actor=s.supervisor,
        result=ReviewResult.UNRESOLVED,
        note="仍不满意，责成大厅继续整改。",
    )
    batch.refresh_from_db()
    assert batch.status == ReviewBatchStatus.CLOSED
    assert batch.closed_at
    with pytest.raises(FeedbackError, match="已完成"):
        review_entry_record(
            entry=entries[november["recent"]], actor=s.supervisor, result="improved", note="改"
        )


def test_a_batch_covers_the_supervisors_scope_only(orders_scene, november):
    s = orders_scene
    october = review_batch_open(
        actor=s.supervisor, title="10月", period_start=D(2026, 10, 1), period_end=D(2026, 10, 31)
    )
    assert {e.order for e in october.entries.all()} == {
        november["old_unsatisfied"],
        november["old_only"],
    }
    refusals = [
        (s.far_supervisor, "别的部门", (10, 1), (11, 30), FeedbackError, "没有差评"),
        (s.hall_clerk, "窗口", (11, 1), (11, 30), FeedbackPermissionDenied, None),
        (s.supervisor, "倒序", (11, 30), (11, 1), FeedbackError, None),
    ]
    for actor, title, start, end, refusal, match in refusals:
        with pytest.raises(refusal, match=match):
            review_batch_open(
                actor=actor, title=title, period_start=D(2026, *start), period_end=D(2026, *end)
            )


def test_review_pages(orders_scene, november, client):
    s = orders_scene
    client.force_login(s.spj_supervisor)
    response = client.post(
        reverse("feedback:reviews"),
        {"title": "11月回头看", "period_start": "2026-11-01", "period_end": "2026-11-30"},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "11月回头看" in page
    assert november["recent"].application.case_number in page
    batch_url = response["Location"]
    entry = november["recent"].review_entries.get()
    client.post(
        reverse("feedback:review_entry", args=[entry.batch_id, entry.pk]),
        {"result": "resolved", "note": "已解决"},
    )
    entry.refresh_from_db()
    assert entry.result == ReviewResult.RESOLVED
    assert "11月回头看" in client.get(reverse("feedback:reviews")).content.decode()

    client.force_login(s.far_supervisor)  # another supervisor's batch
    assert client.get(batch_url).status_code == 404
    client.force_login(s.hall_clerk)
    assert client.get(reverse("feedback:reviews")).status_code == 403


def test_a_refused_batch_keeps_what_was_typed(orders_scene, november, client):
    """A batch the form or the service refuses (no title, the dates the wrong way round,
    nothing to review in the period) shows the page again with the title and dates typed
    and the error next to them (400), not a message over an emptied form; nothing opens."""
    s = orders_scene
    url = reverse("feedback:reviews")
    client.force_login(s.spj_supervisor)
    typed = {"title": "十二月回头看", "period_start": "2026-12-01", "period_end": "2026-12-31"}

    # Nothing to review in December: 400, above the fields, everything typed kept.
    html = refused(client, url, typed)
    form = html[html.index('id="batch-form"') : html.index('for="batch_title"')]
    assert "该期间内没有差评或回访不满意的办件。" in form
    assert 'value="十二月回头看"' in html
    assert 'value="2026-12-01"' in html
    assert 'value="2026-12-31"' in html

    # The dates the wrong way round: next to the end date.
    html = refused(client, url, {**typed, "period_start": "2026-12-31", "period_end": "2026-12-01"})
    start = html.index('for="batch_period_end"')
    end = html[start : html.index("</form>", start)]
    assert "截止日期不能早于起始日期" in end

    # No title: the form's own error, a 400 too (it was a 200).
    html = refused(client, url, {**typed, "title": ""})
    title = html[html.index('for="batch_title"') : html.index('for="batch_period_start"')]
    assert "该字段是必填项。" in title
    assert not ReviewBatch.objects.exists()


def test_a_refused_review_result_keeps_what_was_typed(
    orders_scene, november, november_batch, client
):
    """A refused 回头看 result (none chosen, a note over 500 characters, recorded by
    another supervisor meanwhile, the batch done meanwhile) shows the batch again with
    the result chosen and the note typed, the error next to them: 400, or 409 when
    someone moved it meanwhile; nothing is recorded."""
    s = orders_scene
    batch = november_batch
    entry = november["recent"].review_entries.get()
    last = november["old_unsatisfied"].review_entries.get()
    url = reverse("feedback:review_entry", args=[batch.pk, entry.pk])
    client.force_login(s.spj_supervisor)
    seen = review_entry_token(entry)
    page = client.get(reverse("feedback:review", args=[batch.pk])).content.decode()
    assert f'name="seen" value="{seen}" id="entry{entry.pk}_seen"' in page

    # No result chosen: the note stays, the error is next to the choice.
    note = "电话回访群众，表示窗口服务已明显改进。"
    html = refused(client, url, {"seen": seen, "note": note})
    assert f"{note}</textarea>" in html
    assert "请选择回头看结果。" in html

    # Too long: all of it comes back, with the result chosen.
    long_note = "群众反映整改后窗口服务仍需加强，已记录并转交大厅。" * 22  # 528 characters
    html = refused(client, url, {"seen": seen, "result": "resolved", "note": long_note})
    assert f"{long_note}</textarea>" in html
    assert '<option value="resolved" selected>' in html

    # Another supervisor recorded it meanwhile: 409, their result shown, the note kept
    # in a form carrying the entry's result of now (sending it again corrects theirs).
    review_entry_record(
        entry=entry, actor=s.supervisor, result=ReviewResult.IMPROVED, note="群众仍有意见。"
    )
    entry.refresh_from_db()
    html = refused(client, url, {"seen": seen, "result": "resolved", "note": note}, 409)
    assert "该记录已被他人修改" in html
    assert "群众仍有意见。" in html
    assert f"{note}</textarea>" in html
    assert f'name="seen" value="{review_entry_token(entry)}"' in html
    entry.refresh_from_db()
    assert (entry.result, entry.note) == (ReviewResult.IMPROVED, "群众仍有意见。")

    # The batch was done meanwhile (the last entry recorded): no form left, the note
    # shown to copy.
    seen = review_entry_token(entry)
    review_entry_record(entry=last, actor=s.supervisor, result="unresolved", note="继续整改。")
    html = refused(client, url, {"seen": seen, "result": "resolved", "note": note}, 409)
    assert 'id="kept-text"' in html
    assert note in html
    assert f'id="entry-form-{entry.pk}"' not in html
    entry.refresh_from_db()
    assert entry.result == ReviewResult.IMPROVED
