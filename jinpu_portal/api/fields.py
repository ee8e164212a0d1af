"""Field helpers the apps' serializers and hand-built answers share."""

import functools

from django.utils import translation
from rest_framework import serializers


def optional_text(label, **options) -> serializers.CharField:
    """A text field the request may leave out or empty: then ``""``. ``options``
    (max_length, help_text, ...) as CharField's."""
    return serializers.CharField(
        label=label, required=False, allow_blank=True, default="", **options
    )


def submission_key(made: str, named: str = "申请 id") -> serializers.UUIDField:
    """The optional key of a create request (``jinpu_portal.submissions``): the
    client's UUID per thing to create; a second request with it is answered 409 naming
    what the first one made. ``made`` says what is created, ``named`` how the 409 names
    it, in Chinese."""
    return serializers.UUIDField(
        label="请求标识",
        required=False,
        allow_null=True,
        default=None,
        help_text=f"客户端为每次{made}生成的 UUID：同一标识的请求只{made}一次，"
        f"重复提交答 409，并给出首次{made}的{named}",
    )


_DATETIME = serializers.DateTimeField()


def datetime_out(value):
    """A datetime as DRF's DateTimeField writes it (local time zone, ISO 8601)."""
    return None if value is None else _DATETIME.to_representation(value)


def date_out(value):
    return None if value is None else value.isoformat()


@functools.cache
def _labels(choices, language: str | None) -> dict:
    """The labels of ``choices`` in ``language``, by value, translated once."""
    return {value: str(label) for value, label in choices.choices}


def choice_label(choices, value) -> str:
    """``get_FOO_display()`` of a field with these ``choices`` (a ``Choices`` class),
    for an answer built by hand: Django's rebuilds the field's choices and translates
    the label on every call (about 60 µs)."""
    return _labels(choices, translation.get_language()).get(value, value)


# A code of a code table with its Chinese label (what ``choice_refs`` gives). No
# docstring: the schema would show it as the component's description.
class ChoiceRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


def choice_refs(choices, values) -> list[dict]:
    """``values`` of a list of ``choices`` (a ``Choices`` class), each as ``{"code",
    "label"}`` (``ChoiceRefSerializer`` in the schema)."""
    return [{"code": value, "label": choice_label(choices, value)} for value in values]
