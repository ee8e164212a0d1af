"""Rules of the core intake services that cut across the citizen and clerk sides."""

import datetime

import pytest
from django.core.files.storage import default_storage

from accounts.constants import DepartmentKind
from catalog.services import version_create_draft, version_publish, version_replace_materials
from intake.constants import CaseAction, Channel
from intake.errors import IntakeError, IntakePermissionDenied
from intake.services.cases import (
    application_create,
    application_submit,
    application_update_draft,
    application_withdraw,
    intake_accept,
    material_upload,
)
from tests.factories import (
    ONLINE_MATERIALS,
    DelegationFactory,
    department,
    make_citizen,
    make_clerk,
    make_item,
    pdf_file,
    request_correction,
    start_online,
    upload_required,
    verdicts_all_received,
)

pytestmark = pytest.mark.django_db


def test_the_applicants_own_acts_after_a_correction_show_no_window():
    citizen = make_citizen()
    clerk = make_clerk()
    application = start_online(make_item(), citizen)
    upload_required(application)
    application_submit(application=application, actor=citizen.user)
    request_correction(application, clerk, defective="申请表")

    material_upload(
        application=application,
        material=application.item_version.materials.get(name="申请表"),
        uploaded_file=pdf_file("申请表.pdf"),
        actor=citizen.user,
    )

    upload = application.events.filter(action=CaseAction.UPLOAD).last()
    assert (upload.hall, upload.window, upload.channel) == (None, None, Channel.ONLINE)
    correction = application.events.get(action=CaseAction.REQUEST_CORRECTION)
    assert correction.window is not None  # the clerk's act happened at the window


def test_a_clerk_cannot_withdraw_or_edit_an_online_application():
    citizen = make_citizen()
    clerk = make_clerk()
    application = start_online(make_item(), citizen)

    with pytest.raises(IntakePermissionDenied):
        application_withdraw(application=application, actor=clerk)
    with pytest.raises(IntakePermissionDenied):
        application_update_draft(application=application, actor=clerk, contact_phone="13900000000")


def test_a_clerk_of_another_window_cannot_withdraw_a_counter_application():
    citizen = make_citizen()
    clerk = make_clerk(number=1)
    other = make_clerk(hall_code="JZ", number=2)
    application = application_create(
        item_version=make_item(), applicant=citizen, actor=clerk, channel=Channel.COUNTER
    )

    with pytest.raises(IntakePermissionDenied):
        application_withdraw(application=application, actor=other)
    application_withdraw(application=application, actor=clerk, reason="申请人不再办理")
    assert application.events.last().message == "窗口代申请人撤回申请：申请人不再办理"


def test_post_delivery_refused_on_update_when_the_item_does_not_post():
    citizen = make_citizen()
    application = start_online(make_item(postal_delivery_supported=False), citizen)

    with pytest.raises(IntakeError, match="不支持邮寄"):
        application_update_draft(
            application=application,
            actor=citizen.user,
            delivery_method="post",
            delivery_address="金马路 1 号",
        )


def test_replacing_a_file_keeps_the_old_one_until_commit(django_capture_on_commit_callbacks):
    citizen = make_citizen()
    application = start_online(make_item(), citizen)
    material = application.item_version.materials.get(name="申请表")
    first = material_upload(
        application=application,
        material=material,
        uploaded_file=pdf_file("a.pdf"),
        actor=citizen.user,
    )
    old_name = first.file.name

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        material_upload(
            application=application,
            material=material,
            uploaded_file=pdf_file("b.pdf"),
            actor=citizen.user,
        )
    assert default_storage.exists(old_name)  # not yet committed: still there
    for callback in callbacks:
        callback()
    assert not default_storage.exists(old_name)


def test_a_second_clerk_is_told_the_case_is_already_accepted():
    from tests.factories import accept_all

    citizen = make_citizen()
    clerk = make_clerk()
    other = make_clerk(hall_code="JZ", number=2)
    application = start_online(make_item(), citizen)
    upload_required(application)
    application_submit(application=application, actor=citizen.user)
    accept_all(application, clerk)

    with pytest.raises(IntakeError, match="当前状态（审批中）下不能执行“受理”"):
        accept_all(application, other)


@pytest.mark.parametrize("how", ["listed", "delegated"])
def test_a_deactivated_unit_accepts_nothing_nearby(how):
    version = make_item()
    unit = department("YYJD", "金普新区友谊街道办事处", DepartmentKind.STREET)
    if how == "listed":
        version.accepting_units.add(unit)
    else:
        DelegationFactory(
            item=version.item, grantee=unit, batch="第一批", granted_on=datetime.date(2026, 1, 1)
        )
    citizen = make_citizen()
    assert start_online(version, citizen, accepting_unit=unit).accepting_unit == unit
    unit.is_active = False
    unit.save(update_fields=["is_active"])
    with pytest.raises(IntakeError) as refused:
        start_online(version, citizen, accepting_unit=unit)
    assert refused.value.code == "accepting_unit"
    assert "金普新区友谊街道办事处不受理" in refused.value.messages[0]


def test_a_new_version_leaves_submitted_cases_on_theirs_and_stops_old_drafts():
    """Publishing v2 without 申请表 while one application on v1 is a draft and one is
    submitted: the submitted one is accepted under v1 with its 申请表 slot; the draft
    cannot be submitted any more (its materials are those of v1)."""
    v1 = make_item()
    citizen, clerk = make_citizen(), make_clerk()
    draft = start_online(v1, citizen)
    upload_required(draft)
    submitted = start_online(v1, citizen)
    upload_required(submitted)
    application_submit(application=submitted, actor=citizen.user)
    v2 = version_create_draft(item=v1.item, actor=None)
    kept = [m for m in ONLINE_MATERIALS if m["name"] != "申请表"]
    version_replace_materials(version=v2, actor=None, materials=kept)
    version_publish(version=v2, actor=None)

    with pytest.raises(IntakeError) as refused:
        application_submit(application=draft, actor=citizen.user)
    assert refused.value.code == "unpublished"
    assert "请按最新的办事指南重新申请" in refused.value.messages[0]
    intake_accept(application=submitted, actor=clerk, verdicts=verdicts_all_received(submitted))
    submitted.refresh_from_db()
    assert submitted.accepted_at is not None
    assert submitted.item_version_id == v1.pk
    assert "申请表" in {slot.material.name for slot in submitted.materials.all()}
