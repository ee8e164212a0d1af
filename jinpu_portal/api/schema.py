"""The OpenAPI schema's error answers (``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``)."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny

from .errors import ErrorSerializer


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


def error_responses(descriptions: dict[int, str]) -> dict[int, OpenApiResponse]:
    """The error answers a view documents itself (``extend_schema(responses=...)``),
    status → what it means there; each is the ``Error`` shape."""
    return {status: _error(description) for status, description in descriptions.items()}


def action_schemas(*, tags: list[str], errors: dict, request=None, response=None):
    """The schema decorator of an app's acts: ``schema(summary, request, response,
    status=200)`` documents the body ``request`` taken, the ``response`` answered with
    ``status`` and the app's ``errors``; ``request`` and ``response`` default to the
    ones given here."""

    def schema(summary: str, request=request, response=response, status: int = 200):
        return extend_schema(
            tags=tags, summary=summary, request=request, responses={status: response, **errors}
        )

    return schema


class PortalAutoSchema(AutoSchema):
    """drf-spectacular's schema, with the error answers each operation can give
    (``Error`` shape) added to what the view declares:

    - 400 when it takes a body, filters, declared parameters or a page number;
    - 401 whenever the view authenticates (a wrong token is refused even where anyone
      may read); 403 unless anyone may call it;
    - 404 for a path with an id or code, and for lists (a page past the end);
    - 415 when it takes a body; 429 when it is throttled.

    A status the view documents itself (e.g. 409 on the approvals' acts) wins."""

    def _error_statuses(self) -> dict[int, str]:
        view = self.view
        statuses: dict[int, str] = {}
        has_body = self.method in ("POST", "PUT", "PATCH")
        is_list = self.method == "GET" and self._is_list_view()
        has_query = (
            bool(self._get_filter_parameters())
            or bool(self.get_override_parameters())  # parameters the view validates
            or (is_list and self._get_paginator() is not None)
        )
        if has_body or has_query:
            statuses[400] = "请求有误（字段校验失败、JSON 无效或服务拒绝）"
        if view.authentication_classes:
            statuses[401] = "未登录或登录凭据无效"
        if not all(isinstance(p, AllowAny) for p in view.get_permissions()) or has_body:
            statuses[403] = "无权执行该操作"
        if "{" in self.path or is_list:
            statuses[404] = "对象不存在或无权查看（列表为页码超出范围）"
        if has_body:
            statuses[415] = "不支持的请求内容类型"
        if view.get_throttles():
            statuses[429] = "请求过于频繁"
        return statuses

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, description in self._error_statuses().items():
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(
                    _error(description), str(code), direction=direction
                )
        return responses
