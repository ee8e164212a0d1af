"""Field helpers the apps' serializers and hand-built answers share."""

import functools

from django.utils import translation
from drf_spectacular.utils import extend_schema_field
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


# A paused time limit (暂停计时: 补正, 特别程序). Its due date moves by the working days the
# pause lasts, so it is not known until the limit runs again: the APIs answer null for
# it and say what the pages say instead, the working days left, frozen from the first
# day of the pause. The rectification orders' clock, the approvals tasks' clock and the
# applications' promised and statutory limits all answer with these fields.
PAUSED_EXAMPLE = "已暂停，剩余 5 个工作日，恢复后顺延"


def paused_due_date_field(what: str = "到期日期", days_field: str = "paused_days_left", **options):
    """The due date of a limit that can be paused: null while it is (``what`` names the
    date, ``days_field`` the field saying the working days left instead)."""
    return serializers.DateField(
        allow_null=True,
        help_text=f"{what}；暂停计时期间为 null（到期日期随暂停顺延，恢复前不确定，"
        f"见 {days_field}）",
        **options,
    )


def paused_field(**options) -> serializers.BooleanField:
    return serializers.BooleanField(help_text="是否暂停计时中", **options)


def paused_days_left_field(**options) -> serializers.IntegerField:
    return serializers.IntegerField(
        allow_null=True,
        help_text="暂停计时期间：暂停时剩余的工作日数，冻结至恢复计时（0 为恢复计时当日到期，"
        "负数为暂停时已超期的工作日数）；未暂停为 null",
        **options,
    )


def paused_time_left(left: str) -> str:
    """What the pages show for a paused limit, from its ``Clock.paused_left``."""
    return f"已暂停，{left}"


def paused_limit_out(due_date, days_left: int | None) -> dict:
    """A limit's ``due_date``, ``paused`` and ``paused_days_left`` as the APIs answer
    them, from its stored due date and its frozen working days left (None: running)."""
    paused = days_left is not None
    return {
        "due_date": None if paused else date_out(due_date),
        "paused": paused,
        "paused_days_left": days_left,
    }


def paused_time_left_field(**options) -> serializers.CharField:
    return serializers.CharField(
        allow_null=True,
        help_text=f"暂停计时期间为页面所示，如“{PAUSED_EXAMPLE}”；未暂停为 null",
        **options,
    )


def _case_limit(serializer, instance, kind: str):
    """``instance``'s case's paused limit ``kind`` (None: running), its case's limits
    loaded once into the context (a list view loads a page's with ``load_case_limits``)."""
    application = serializer.case_of(instance)
    known = serializer.context.setdefault("paused_limits", {})
    if application.pk not in known:
        known.update(load_case_limits(serializer.load_paused_limits, [application]))
    return known[application.pk].get(kind)


def load_case_limits(loader, applications) -> dict:
    """Application pk → its paused limits (kind → ``PausedLimit``, {} for none) of every
    one of ``applications``, from ``loader`` (one query for the whole list): what a list
    view puts in its serializer's context as ``paused_limits``."""
    applications = list(applications)
    return {a.pk: {} for a in applications} | loader(applications)


def _limit_methods(kind: str, what: str) -> dict:
    days_field = f"{kind}_paused_days_left"

    @extend_schema_field(paused_due_date_field(what, days_field))
    def due_date(self, instance):
        limit = _case_limit(self, instance, kind)
        return None if limit else date_out(getattr(self.case_of(instance), f"{kind}_due_date"))

    @extend_schema_field(paused_days_left_field())
    def days_left(self, instance) -> int | None:
        limit = _case_limit(self, instance, kind)
        return limit.days_left if limit else None

    @extend_schema_field(paused_time_left_field())
    def left(self, instance) -> str | None:
        limit = _case_limit(self, instance, kind)
        return paused_time_left(limit.text) if limit else None

    return {
        f"{kind}_due_date": serializers.SerializerMethodField(),
        f"get_{kind}_due_date": due_date,
        days_field: serializers.SerializerMethodField(),
        f"get_{days_field}": days_left,
        f"{kind}_time_left": serializers.SerializerMethodField(),
        f"get_{kind}_time_left": left,
    }


# Base of the fields of a case's limits that can be paused (``limit_serializer``):
# ``paused`` tells whether the case's limits are paused. ``load_paused_limits`` answers
# ``applications -> {pk: {kind: PausedLimit}}`` (intake's page hook); ``case_of`` is the
# instance's case. No docstring (nor in the serializers below): the schema would show it
# as the description of every component using them.
class CaseLimitSerializer(serializers.Serializer):
    load_paused_limits = None
    paused = serializers.SerializerMethodField(help_text="办理时限是否暂停计时中")

    def case_of(self, instance):
        return instance

    def get_paused(self, instance) -> bool:
        return any(_case_limit(self, instance, kind) for kind in ("promised", "statutory"))


def limit_serializer(name: str, base, kind: str, what: str):
    """``base`` with the fields of the case's limit ``kind`` (``what`` names its date):
    ``{kind}_due_date`` (null while paused), ``{kind}_paused_days_left`` and
    ``{kind}_time_left`` (what the pages say while paused, else null)."""
    namespace = {"__module__": __name__, "__qualname__": name, **_limit_methods(kind, what)}
    return type(name, (base,), namespace)


# 承诺时限; with 法定时限 too.
PromisedLimitSerializer = limit_serializer(
    "PromisedLimitSerializer", CaseLimitSerializer, "promised", "承诺办结日期"
)
CaseLimitsSerializer = limit_serializer(
    "CaseLimitsSerializer", PromisedLimitSerializer, "statutory", "法定办结日期"
)


# A clock's ``due_date`` (null while paused), ``paused`` and ``paused_days_left``
# (``paused_limit_out``), for a serializer of the clock or of what has one (``clock_of``;
# no clock: no date, not paused). No docstring, as above.
class PausedClockSerializer(serializers.Serializer):
    due_date = serializers.SerializerMethodField()
    paused = serializers.SerializerMethodField()
    paused_days_left = serializers.SerializerMethodField()

    def clock_of(self, instance):
        return instance

    def _limit(self, instance) -> dict:
        clock = self.clock_of(instance)
        if clock is None:
            return paused_limit_out(None, None)
        return paused_limit_out(clock.due_date, clock.paused_days_left)

    @extend_schema_field(paused_due_date_field())
    def get_due_date(self, instance):
        return self._limit(instance)["due_date"]

    @extend_schema_field(paused_field())
    def get_paused(self, instance) -> bool:
        return self._limit(instance)["paused"]

    @extend_schema_field(paused_days_left_field())
    def get_paused_days_left(self, instance) -> int | None:
        return self._limit(instance)["paused_days_left"]
