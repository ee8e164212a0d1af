"""Query filters of the catalog API (departments, item versions)."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError

from accounts.constants import DepartmentKind
from accounts.models import Department

from ..constants import ItemType, Theme, TongbanScope
from ..models import ItemVersion
from ..selectors import item_version_search


class StrictBooleanField(forms.NullBooleanField):
    """true/false (or 1/0); anything else is an error, not "no filter" (the select
    widget of NullBooleanField would read any other text as empty)."""

    widget = forms.TextInput
    VALUES = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value):
        if value is None:  # not given
            return None
        if isinstance(value, bool):
            return value
        try:
            return self.VALUES[str(value).lower()]
        except KeyError:
            raise ValidationError("只能是 true 或 false。", code="invalid") from None

    def validate(self, value):
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class DepartmentFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=DepartmentKind.choices, label="类型")

    class Meta:
        model = Department
        fields = ["kind"]


class ItemVersionFilter(django_filters.FilterSet):
    department = django_filters.CharFilter(field_name="department__code", label="实施主体部门编码")
    type = django_filters.ChoiceFilter(
        field_name="item_type", choices=ItemType.choices, label="事项类型代码"
    )
    online = StrictBooleanFilter(field_name="online_available", label="可网上办理")
    tongban = django_filters.ChoiceFilter(
        field_name="tongban_scope",
        choices=[(value, label) for value, label in TongbanScope.choices if value],
        label="通办范围",
    )
    theme = django_filters.ChoiceFilter(choices=Theme.choices, label="主题分类")
    object = django_filters.CharFilter(
        field_name="service_objects__code", label="服务对象代码（1 自然人，2 企业法人……）"
    )
    q = django_filters.CharFilter(method="search", label="按名称、编码、关键词、部门检索")

    class Meta:
        model = ItemVersion
        fields = ["department", "type", "online", "tongban", "theme", "object", "q"]

    def search(self, queryset, name, value):
        return item_version_search(q=value, queryset=queryset)
