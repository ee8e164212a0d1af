"""``FlatInput`` answers as ``valid(Serializer(data=...))`` does, body for body: the same
validated data, or the same error with the same labels."""

import pytest
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from accounts.models import Hall
from hall.api.serializers import IssueSerializer
from jinpu_portal.api.errors import FlatInput, LabelledValidationError, valid

BODIES = [
    {"category": 3},
    {"category": "3"},  # a form's string: the field converts it
    {"category": 3, "hall": 2, "id_number": "", "mobile": "13900000000"},
    {"category": 3, "priority": "elderly"},
    {"category": 3, "priority": ""},
    {"category": 3, "unknown": 1},  # ignored, as the serializer ignores it
    {"category": 0},
    {"category": True},
    {"category": None},
    {"category": 3, "hall": -1},
    {"category": 3, "priority": "vip"},
    {"category": 3, "mobile": "1" * 21},
    {"category": 3, "mobile": None},
    {"category": 3, "id_number": 110105},
    {"category": 3, "submission": "5f0c2f43-1e0b-4d8e-9a53-0f1b4f1de3a1"},
    {"category": 3, "submission": None},
    {"category": 3, "submission": "twice"},
    {},
    [],
    "category",
]


def _outcome(check, body):
    try:
        return "valid", dict(check(body))
    except LabelledValidationError as error:
        return "error", error.detail, error.get_codes(), error.labels


@pytest.mark.parametrize("body", BODIES)
def test_the_same_answer_as_the_serializer(body):
    assert _outcome(FlatInput(IssueSerializer), body) == _outcome(
        lambda data: valid(IssueSerializer(data=data)), body
    )


class _Nested(serializers.Serializer):
    inner = IssueSerializer()


class _Checked(serializers.Serializer):
    code = serializers.CharField()

    def validate_code(self, value):
        return value


class _Whole(serializers.Serializer):
    code = serializers.CharField()

    def validate(self, attrs):
        return attrs


class _Dotted(serializers.Serializer):
    code = serializers.CharField(source="item.code")


class _ByUser(serializers.Serializer):
    user = serializers.HiddenField(default=serializers.CurrentUserDefault())


class _Unique(serializers.Serializer):
    code = serializers.CharField(validators=[UniqueValidator(queryset=Hall.objects.all())])


class _Model(serializers.ModelSerializer):
    class Meta:
        model = Hall
        fields = ["name"]


@pytest.mark.parametrize(
    "serializer_class", [_Nested, _Checked, _Whole, _Dotted, _ByUser, _Unique, _Model]
)
def test_a_serializer_with_more_than_flat_fields_is_refused(serializer_class):
    with pytest.raises(ValueError, match="not a flat input serializer"):
        FlatInput(serializer_class)


class _Counted(IssueSerializer):
    made = 0

    def __init__(self, *args, **kwargs):
        type(self).made += 1
        super().__init__(*args, **kwargs)


def test_a_valid_body_makes_no_serializer_and_an_invalid_one_does():
    check = FlatInput(_Counted)
    made = _Counted.made
    check({"category": 3})
    check({"category": 3, "hall": 1, "id_number": "", "mobile": "", "priority": "elderly"})
    assert _Counted.made == made
    with pytest.raises(LabelledValidationError):
        check({"category": 0})
    assert _Counted.made == made + 1
