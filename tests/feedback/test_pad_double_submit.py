"""One new-pad form, one pad: the clerk's 登记 form posted twice (a double click, the page
resubmitted) registers one pad, not a second one whose key nobody saw; the second post
says so in Chinese and points at the pad the first one registered."""

import pytest
from django.urls import reverse

from feedback.models import Pad
from tests.form_keys import rendered_form

pytestmark = pytest.mark.django_db

PADS = "feedback:pads"
NEW = "feedback:pad-new"


def test_the_same_form_posted_twice_registers_one_pad(client, clerk):
    client.force_login(clerk)
    data = rendered_form(client, reverse(PADS), {"name": "3 号窗口平板"})
    first = client.post(reverse(NEW), data)
    assert first.status_code == 200
    assert first.context["new_key"]
    second = client.post(reverse(NEW), data)
    pad = Pad.objects.get()
    assert second.status_code == 409
    assert "new_key" not in second.context  # the key is not shown again, nor a new one made
    page = second.content.decode()
    assert "该登记表单已提交过，未重复登记评价器。" in page
    assert "首次提交已登记“3 号窗口平板”" in page
    assert f'<tr class="table-warning" id="pad-{pad.pk}">' in page
    # The page's form has a new key: registering another pad from it works.
    assert client.post(reverse(NEW), rendered_form(client, reverse(PADS), {})).status_code == 200
    assert Pad.objects.count() == 2


def test_a_refused_form_may_be_corrected_and_posted_again(client, clerk):
    client.force_login(clerk)
    data = rendered_form(client, reverse(PADS), {"name": "长" * 51})
    refused = client.post(reverse(NEW), data)
    assert not Pad.objects.exists()
    assert f'value="{data["submission"]}"' in refused.content.decode()
    data["name"] = "3 号窗口平板"
    assert client.post(reverse(NEW), data).context["new_key"]
    assert Pad.objects.get().name == "3 号窗口平板"
