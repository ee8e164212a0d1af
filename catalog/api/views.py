"""The public catalog API: departments, items (published versions), their version
history, and bundles. Permission: AllowAny, the service guide is public; drafts
appear only in an item's version history, and only to catalog administrators."""

import json

from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from accounts.models import Department

from ..models import ItemVersion, ServiceItem
from ..selectors import (
    bundle_list_with_versions,
    item_version_list,
    item_versions_for,
    published_version_for_code,
)
from . import cache as detail_cache
from .filters import DepartmentFilter, ItemVersionFilter
from .serializers import (
    BundleSerializer,
    DepartmentSerializer,
    ItemVersionDetailSerializer,
    ItemVersionListSerializer,
    ItemVersionSummarySerializer,
)

CODE_PARAMETER = OpenApiParameter("code", str, OpenApiParameter.PATH, description="事项实施编码")


@extend_schema_view(get=extend_schema(summary="部门列表（可按类型筛选）"))
class DepartmentListApi(ListAPIView):
    """Departments of every kind (bureau, park, street, station). Permission: AllowAny."""

    permission_classes = [AllowAny]
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilter
    queryset = Department.objects.filter(is_active=True).select_related("parent")


@extend_schema_view(get=extend_schema(summary="事项列表（已发布）"))
class ItemListApi(ListAPIView):
    """Items with a published version. Permission: AllowAny."""

    permission_classes = [AllowAny]
    serializer_class = ItemVersionListSerializer
    filterset_class = ItemVersionFilter
    queryset = item_version_list()


_CURRENT_VERSION_SQL = "SELECT {column} FROM {table} WHERE {code} = %s"


def _current_version_id(code: str) -> int | None:
    """The item's published version id: the one query of a cached detail request,
    written out because building a queryset costs as much as running this lookup."""
    meta, quote = ServiceItem._meta, connection.ops.quote_name
    sql = _CURRENT_VERSION_SQL.format(
        column=quote(meta.get_field("current_version").column),
        table=quote(meta.db_table),
        code=quote(meta.get_field("code").column),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [code])
        row = cursor.fetchone()
    return row[0] if row else None


class ItemDetailApi(RetrieveAPIView):
    """The current published version of an item, with materials and steps.
    Permission: AllowAny.

    The JSON of a published version is cached by version id (catalog.api.cache); the
    one query per request finds the item's current version, so publishing or retiring
    shows at once. File URLs are relative (the guide's download view, /guide/files/...,
    never /media/), the same for every host.
    """

    permission_classes = [AllowAny]
    authentication_classes = []  # the same guide for everyone: no session to read
    serializer_class = ItemVersionDetailSerializer

    @extend_schema(summary="事项办事指南（当前发布版本）", parameters=[CODE_PARAMETER])
    def get(self, request, code):
        version_id = _current_version_id(code)
        if version_id is None:
            raise Http404
        body, generation = detail_cache.detail_get(version_id)
        if body is None:
            version = published_version_for_code(code=code)
            if version is None:  # retired meanwhile
                raise Http404
            body = JSONRenderer().render(ItemVersionDetailSerializer(version).data)
            detail_cache.detail_set(version.pk, generation, body)
        if request.accepted_renderer.format == "json":
            return HttpResponse(body, content_type="application/json")
        return Response(json.loads(body))  # the browsable API


@extend_schema_view(get=extend_schema(summary="事项的版本历史", parameters=[CODE_PARAMETER]))
class ItemVersionListApi(ListAPIView):
    """An item's versions, newest first. Permission: AllowAny; drafts are listed only
    for users who may view the catalog's versions in the admin (catalog administrators)."""

    permission_classes = [AllowAny]
    serializer_class = ItemVersionSummarySerializer
    queryset = ItemVersion.objects.none()  # the schema's model; see get_queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        item = get_object_or_404(ServiceItem, code=self.kwargs["code"])
        include_drafts = self.request.user.has_perm("catalog.view_itemversion")
        return item_versions_for(item=item, include_drafts=include_drafts)


@extend_schema_view(get=extend_schema(summary="一件事列表（含合并后的材料清单）"))
class BundleListApi(ListAPIView):
    """Active bundles (一件事) with their items and the merged material list.
    Permission: AllowAny."""

    permission_classes = [AllowAny]
    serializer_class = BundleSerializer
    queryset = bundle_list_with_versions()


@extend_schema_view(get=extend_schema(summary="一件事详情（含合并后的材料清单）"))
class BundleDetailApi(RetrieveAPIView):
    """One active bundle. Permission: AllowAny."""

    permission_classes = [AllowAny]
    serializer_class = BundleSerializer
    queryset = bundle_list_with_versions()
    lookup_field = "code"
