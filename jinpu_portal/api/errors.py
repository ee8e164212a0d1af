"""The API's one error shape, its exception handler, the Chinese 429 and the Chinese
field labels of validation errors (see ``jinpu_portal.api``)."""

import contextlib
import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, serializers, status
from rest_framework.fields import SkipField, empty
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

logger = logging.getLogger("django.request")

SERVER_ERROR = "服务器内部错误，请稍后再试；问题持续请联系金普新区政务服务中心。"
NOT_FOUND = "未找到该接口或对象。"
STATUS_TEXT = {
    400: "请求有误。",
    401: "未登录或登录凭据无效。",
    403: "您没有执行该操作的权限。",
    404: NOT_FOUND,
    405: "该接口不支持此请求方法。",
    406: "无法按请求的格式返回内容。",
    409: "对象已被他人处理或更新，请刷新后重试。",
    413: "请求内容过大。",
    415: "不支持的请求内容类型。",
    429: "请求过于频繁，请稍后再试。",
    500: SERVER_ERROR,
}


class ErrorSerializer(serializers.Serializer):
    """The one error shape of every API answer that is not a success."""

    detail = serializers.CharField(help_text="中文错误说明（字段错误带中文字段名）")
    code = serializers.CharField(
        help_text="错误代码，如 invalid、not_found、permission_denied、conflict、transition"
    )
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="字段错误：字段名（嵌套字段以点连接）→ 错误说明列表；与字段无关时为空对象",
    )


class Conflict(exceptions.APIException):
    """A 409: someone else moved the object first, or the request was already carried
    out; views raise it with the service's own detail and code."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = STATUS_TEXT[409]
    default_code = "conflict"


def duplicate_conflict(error, first: str = "") -> Conflict:
    """The 409 of a request key sent again (``jinpu_portal.submissions``'
    ``DuplicateSubmission``): the service's refusal, then ``first``, the caller's words
    for what the first request made (empty when the key was someone else's)."""
    return Conflict({"detail": error.messages[0] + first, "code": error.code})


class Throttled(exceptions.Throttled):
    """A 429 whose ``detail`` (the view's, or the API's general one) is followed by when
    to try again, in Chinese."""

    default_detail = STATUS_TEXT[429]
    extra_detail_singular = extra_detail_plural = "请 {wait} 秒后再试。"


class SaysWhyThrottled:
    """An API view's mixin: a throttled request answers ``Throttled`` with the view's own
    ``too_many`` (what was asked too often)."""

    too_many = STATUS_TEXT[429]

    def throttled(self, request, wait):
        raise Throttled(wait, detail=self.too_many)


# --- Field labels ---------------------------------------------------------------------


class LabelledValidationError(exceptions.ValidationError):
    """A serializer's field errors with the Chinese labels of its fields."""

    def __init__(self, serializer):
        super().__init__(serializer.errors)
        self.labels = labels_of(serializer)


def labels_of(form_or_serializer) -> dict[str, str]:
    """Field name → Chinese label, nested serializers as ``outer.inner``."""
    labels = {}
    for name, field in form_or_serializer.fields.items():
        labels[name] = str(field.label or name)
        child = getattr(field, "child", None)
        nested = field if isinstance(field, serializers.Serializer) else child
        if isinstance(nested, serializers.Serializer):
            for inner, label in labels_of(nested).items():
                labels[f"{name}.{inner}"] = label
    return labels


def valid(serializer) -> dict:
    """``serializer.is_valid(raise_exception=True)`` with the field labels kept for the
    error's ``detail``; returns the validated data."""
    if not serializer.is_valid():
        raise LabelledValidationError(serializer)
    return serializer.validated_data


class FlatInput:
    """``valid(serializer_class(data=data))`` for a serializer of top-level fields only,
    without a serializer instance per valid request.

    A DRF serializer deep-copies its declared fields for each instance, which rebuilds
    every field: the larger part of what validating a kiosk's five-field ticket request
    costs. ``FlatInput`` binds the fields once (to one serializer instance made here) and
    runs each field's own ``run_validation`` on a plain JSON object of known fields, so
    the rules, defaults and values are the serializer's own. Anything else (a body that
    does not pass, an unknown key, not an object) goes through a serializer instance, so
    the error is the one ``valid`` raises. The serializer may have no nested or dotted
    fields, no ``validate``/``validate_<field>`` method, no validators of its own and no
    validator or default that reads the serializer (``requires_context``: a uniqueness
    check, the current user): it is not a ``ModelSerializer``. ``FlatInput`` refuses it
    otherwise. The fields keep no state between requests (a scalar field's validation
    reads only its own settings), so threads share them."""

    def __init__(self, serializer_class: type[serializers.Serializer]):
        serializer = serializer_class()
        fields = {name: field for name, field in serializer.fields.items() if not field.read_only}
        methods = [name for name in fields if hasattr(serializer_class, f"validate_{name}")]
        if (
            any(
                isinstance(
                    field,
                    serializers.BaseSerializer | serializers.ListField | serializers.DictField,
                )
                or field.source_attrs != [name]
                or getattr(field.default, "requires_context", False)
                or any(getattr(check, "requires_context", False) for check in field.validators)
                for name, field in fields.items()
            )
            or isinstance(serializer, serializers.ModelSerializer)
            or methods
            or serializer_class.validate is not serializers.Serializer.validate
            or serializer.get_validators()
        ):
            raise ValueError(f"{serializer_class.__name__} is not a flat input serializer")
        self.serializer_class = serializer_class
        self._fields = fields

    def __call__(self, data) -> dict:
        if type(data) is dict and data.keys() <= self._fields.keys():
            validated = {}
            try:
                for name, field in self._fields.items():
                    with contextlib.suppress(SkipField):  # left out, no default
                        validated[name] = field.run_validation(data.get(name, empty))
            except (exceptions.ValidationError, DjangoValidationError):
                pass  # the serializer says what is wrong
            else:
                return validated
        return valid(self.serializer_class(data=data))


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend; an invalid filter value is a 400 naming the filter's
    Chinese label."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid() and self.raise_exception:
            error = exceptions.ValidationError(filterset.errors)
            error.labels = labels_of(filterset.form)
            raise error
        return filterset.qs


# --- The error shape --------------------------------------------------------------------


def _flatten(errors, prefix="") -> dict[str, list[str]]:
    """DRF's nested error structure as ``{"a.0.b": ["message", ...]}``."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(errors, list | tuple):
        if all(not isinstance(item, dict | list | tuple) for item in errors):
            if errors:
                flat[prefix] = [str(item) for item in errors]
        else:
            for index, item in enumerate(errors):
                flat.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        flat[prefix] = [str(errors)]
    return flat


def _label(key: str, labels: dict[str, str]) -> str:
    """``verdicts.0.reason`` → ``材料核验结果 第 1 项 说明``."""
    words, names = [], []
    for part in key.split("."):
        if part.isdigit():
            words.append(f"第 {int(part) + 1} 项")
        else:
            names.append(part)
            words.append(labels.get(".".join(names), part))
    return " ".join(words)


NON_FIELD = ("non_field_errors", "__all__")


def error_body(data, status_code: int, code: str = "", labels=None) -> dict:
    """Any DRF error payload (a string, a list, field errors, or our own
    ``{"detail": ..., "code": ...}``) as the one shape."""
    labels = labels or {}
    if isinstance(data, dict) and isinstance(data.get("detail"), str):
        detail = str(data["detail"])
        code = str(data.get("code") or getattr(data["detail"], "code", "") or code)
        errors = _flatten(data.get("errors") or {})
    elif isinstance(data, dict):
        errors = _flatten(data)
        parts = []
        for key, messages in errors.items():
            if key.split(".")[-1] in NON_FIELD:
                parts.extend(messages)
            else:
                label = _label(key, labels)
                parts.extend(f"{label}：{message}" for message in messages)
        detail = "；".join(parts)
    elif isinstance(data, list | tuple):
        errors = {}
        detail = "；".join("；".join(messages) for messages in _flatten(list(data)).values())
    else:
        errors = {}
        detail = str(data)
    return {
        "detail": detail or STATUS_TEXT.get(status_code, "请求未能完成。"),
        "code": code or "error",
        "errors": errors,
    }


def _code_of(exc) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    return getattr(exc, "default_code", "") or "error"


def exception_handler(exc, context):
    """DRF's handler (it turns ``Http404`` and ``PermissionDenied`` into their API
    errors and rolls the transaction back), then the one shape; an unexpected exception
    is logged and answered as a JSON 500 in every mode, never a debug page."""
    response = drf_exception_handler(exc, context)
    if response is None:
        request = context.get("request")
        logger.error(
            "Internal Server Error: %s",
            getattr(request, "path", "?"),
            exc_info=exc,
            extra={"request": getattr(request, "_request", None)},
        )
        set_rollback()
        return JsonResponse(
            {"detail": SERVER_ERROR, "code": "server_error", "errors": {}},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
            json_dumps_params={"ensure_ascii": False},
        )
    response.data = error_body(
        response.data, response.status_code, _code_of(exc), getattr(exc, "labels", None)
    )
    return response


def json_error(status_code: int, detail: str = "", code: str = "") -> JsonResponse:
    """The error shape for answers made outside DRF (error_pages middleware)."""
    codes = {404: "not_found", 405: "method_not_allowed", 500: "server_error"}
    return JsonResponse(
        {
            "detail": detail or STATUS_TEXT.get(status_code, "请求未能完成。"),
            "code": code or codes.get(status_code, "error"),
            "errors": {},
        },
        status=status_code,
        json_dumps_params={"ensure_ascii": False},
    )
