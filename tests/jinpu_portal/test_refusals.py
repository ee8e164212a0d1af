"""jinpu_portal.refusals: how every app's pages say a refused act."""

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from jinpu_portal.refusals import act_and_say, error_text, flash_form_errors


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
