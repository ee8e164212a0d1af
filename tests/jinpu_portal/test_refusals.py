"""jinpu_portal.refusals: how every app's pages say a refused act."""

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from jinpu_portal.refusals import (
    act_and_say,
    act_form,
    attempt,
    error_text,
    flash_form_errors,
    refusal_status,
)


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _said(request) -> list[tuple[str, str]]:
    return [(message.level_tag, message.message) for message in get_messages(request)]


def test_error_text_joins_the_messages_and_names_a_bare_permission_refusal():
    assert error_text(ValidationError(["材料不全。", "已超过期限。"])) == "材料不全。；已超过期限。"
    assert error_text(ValidationError({"note": ["请填写说明。"]})) == "请填写说明。"
    assert error_text(PermissionDenied("只有本部门人员可以办理。")) == "只有本部门人员可以办理。"
    assert error_text(PermissionDenied()) == "您没有权限执行该操作。"


def test_act_and_say_flashes_the_success_or_the_refusal():
    request = _request()
    assert act_and_say(request, "已办结。", lambda **kwargs: None, case=1)

    def refuse():
        raise ValidationError("该办件已办结。")

    assert not act_and_say(request, "已办结。", refuse)
    assert _said(request) == [("success", "已办结。"), ("error", "该办件已办结。")]


def test_form_errors_are_flashed_after_their_fields_labels():
    class Form(forms.Form):
        text = forms.CharField(label="答复内容")

        def clean(self):
            raise ValidationError("整改单已办结。")

    form = Form({})
    assert not form.is_valid()
    request = _request()
    flash_form_errors(request, form)
    assert _said(request) == [("error", "答复内容：该字段是必填项。"), ("error", "整改单已办结。")]


class _ReplyForm(forms.Form):
    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(label="答复内容", max_length=10)


def test_a_refused_acts_form_keeps_what_was_typed_with_the_version_of_now():
    request = RequestFactory().post("/", {"seen": "old", "text": "已整改完毕。"})
    blank = act_form(request, _ReplyForm, auto_id="reply_%s", version_field="seen", version="v2")
    assert not blank.is_bound
    assert blank["seen"].value() == "v2"

    # The service refused it: its message goes next to the field its code names.
    error = ValidationError("答复过长。", code="too_long")
    form = act_form(
        request,
        _ReplyForm,
        refused=True,
        version_field="seen",
        version="v2",
        error=error,
        fields={"too_long": "text"},
    )
    assert (form["text"].value(), form["seen"].value()) == ("已整改完毕。", "v2")
    assert form.errors == {"text": ["答复过长。"]}
    # A code it does not map (or a permission refusal): above the fields.
    form = act_form(request, _ReplyForm, refused=True, error=PermissionDenied("无权答复。"))
    assert form.non_field_errors() == ["无权答复。"]
    # The form's own errors, when it did not let the post through.
    long = RequestFactory().post("/", {"text": "答复" * 6})
    form = act_form(long, _ReplyForm, refused=True)
    assert list(form.errors) == ["text"]


def test_a_refusal_by_someone_moving_the_object_meanwhile_is_a_409():
    def refuse(code):
        raise ValidationError("该记录已被他人修改。", code=code)

    assert attempt(lambda: None) is None
    stale = attempt(refuse, "stale")
    assert (error_text(stale), refusal_status(stale)) == ("该记录已被他人修改。", 409)
    assert refusal_status(ValidationError("已被他人处理。", code="conflict")) == 409
    assert refusal_status(ValidationError("请填写理由。", code="required")) == 400
    assert refusal_status(PermissionDenied()) == 400
    assert refusal_status(None) == 400
    moved = ValidationError("状态不允许。", code="transition")
    assert refusal_status(moved) == 400
    assert refusal_status(moved, conflicts={"transition"}) == 409
