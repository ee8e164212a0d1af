"""Read-only representations of the public service guide (办事指南).

Code-table values go out as their code plus a ``*_display`` label, departments and
halls as ``{code, name}``, so a client needs no code tables of its own.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.serializers import DepartmentRefSerializer, HallRefSerializer
from accounts.models import Department
from jinpu_portal.api.fields import ChoiceRefSerializer, choice_refs

from ..constants import GUIDE_CONTACT_FIELDS, Channel
from ..files import guide_file_url
from ..models import Bundle, ItemMaterial, ItemVersion, ServiceObjectType, WorkflowStep
from ..selectors import bundle_material_list, bundle_published_versions
from ..services import workflow_longest_path_days


class ServiceObjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceObjectType
        fields = ["code", "name"]


class DepartmentSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")
    parent = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text="上级部门编码；顶层为 null"
    )

    class Meta:
        model = Department
        fields = [
            "code",
            "name",
            "short_name",
            "kind",
            "kind_display",
            "credit_code",
            "parent",
            "phone",
            "address",
        ]


class ItemVersionListSerializer(serializers.ModelSerializer):
    """One row of the item list: enough to choose an item."""

    code = serializers.CharField(source="item.code")
    version = serializers.IntegerField(source="number")
    item_type_display = serializers.CharField(source="get_item_type_display")
    department = DepartmentRefSerializer()
    theme_display = serializers.CharField(source="get_theme_display")
    case_type_display = serializers.CharField(source="get_case_type_display")
    tongban_scope_display = serializers.CharField(source="get_tongban_scope_display")
    service_objects = ServiceObjectSerializer(many=True)

    class Meta:
        model = ItemVersion
        fields = [
            "code",
            "name",
            "basic_code",
            "version",
            "item_type",
            "item_type_display",
            "department",
            "theme",
            "theme_display",
            "service_objects",
            "case_type",
            "case_type_display",
            "statutory_limit_days",
            "promised_limit_days",
            "online_available",
            "fully_online",
            "visits_required",
            "tongban_scope",
            "tongban_scope_display",
        ]


class MaterialSerializer(serializers.ModelSerializer):
    source_display = serializers.CharField(source="get_source_display")
    requirement_display = serializers.CharField(source="get_requirement_display")
    blank_form = serializers.SerializerMethodField(help_text="空白表格下载地址；没有时为 null")
    sample = serializers.SerializerMethodField(help_text="示范样表下载地址；没有时为 null")

    def get_blank_form(self, obj) -> str | None:
        return guide_file_url(obj, "blank-form")

    def get_sample(self, obj) -> str | None:
        return guide_file_url(obj, "sample")

    class Meta:
        model = ItemMaterial
        fields = [
            "position",
            "name",
            "issuing_body",
            "source",
            "source_display",
            "originals",
            "copies",
            "requirement",
            "requirement_display",
            "tolerance_allowed",
            "electronic_required",
            "signature_requirement",
            "notes",
            "blank_form",
            "sample",
        ]


class StepSerializer(serializers.ModelSerializer):
    department = DepartmentRefSerializer()

    class Meta:
        model = WorkflowStep
        fields = ["stage", "name", "department", "budget_days"]


class FaqSerializer(serializers.Serializer):
    q = serializers.CharField(help_text="问题")
    a = serializers.CharField(help_text="回答")


class ItemVersionDetailSerializer(ItemVersionListSerializer):
    """Every element of a published version: the service guide (办事指南)."""

    implementer_nature_display = serializers.CharField(source="get_implementer_nature_display")
    co_departments = DepartmentRefSerializer(many=True)
    channels = serializers.SerializerMethodField()
    online_depth_display = serializers.CharField(source="get_online_depth_display")
    accepting_halls = HallRefSerializer(many=True)
    accepting_units = DepartmentRefSerializer(many=True)
    faqs = FaqSerializer(many=True)
    materials = MaterialSerializer(many=True)
    steps = StepSerializer(many=True)
    result_sample = serializers.SerializerMethodField(help_text="结果样本下载地址；没有时为 null")
    workflow_days = serializers.SerializerMethodField(
        help_text="办理环节最长路径的工作日数（并行环节取最长）"
    )

    class Meta(ItemVersionListSerializer.Meta):
        fields = [
            *ItemVersionListSerializer.Meta.fields,
            "published_at",
            "change_note",
            "implementer_nature",
            "implementer_nature_display",
            "co_departments",
            "legal_basis",
            "keywords",
            "acceptance_conditions",
            "process_description",
            "fee_required",
            "fee_description",
            "fee_basis",
            "channels",
            "not_online_reason",
            "online_depth",
            "online_depth_display",
            "visits_reason",
            "appointment_supported",
            "online_payment_supported",
            "postal_delivery_supported",
            *GUIDE_CONTACT_FIELDS,
            "faqs",
            "result_name",
            "result_sample",
            "materials",
            "steps",
            "workflow_days",
        ]

    @extend_schema_field(ChoiceRefSerializer(many=True))
    def get_channels(self, obj) -> list[dict]:
        return choice_refs(Channel, obj.channels)

    def get_result_sample(self, obj) -> str | None:
        return guide_file_url(obj, "result-sample")

    def get_workflow_days(self, obj) -> int:
        return workflow_longest_path_days(obj.steps.all())


class ItemVersionSummarySerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="item.code")
    version = serializers.IntegerField(source="number")
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = ItemVersion
        fields = [
            "code",
            "version",
            "status",
            "status_display",
            "name",
            "published_at",
            "retired_at",
            "change_note",
        ]


class BundleItemSerializer(serializers.Serializer):
    code = serializers.CharField(source="item.code")
    position = serializers.IntegerField()
    published = serializers.SerializerMethodField(help_text="该事项当前是否有发布版本")
    # null while the item has no published version
    name = serializers.CharField(source="item.current_version.name", default=None, allow_null=True)
    department = DepartmentRefSerializer(
        source="item.current_version.department", default=None, allow_null=True
    )
    promised_limit_days = serializers.IntegerField(
        source="item.current_version.promised_limit_days", default=None, allow_null=True
    )

    def get_published(self, obj) -> bool:
        return obj.item.current_version_id is not None


class BundleMaterialItemSerializer(serializers.Serializer):
    code = serializers.CharField(source="item.code", help_text="需要该材料的事项的实施编码")
    name = serializers.CharField()


class BundleMaterialSerializer(serializers.Serializer):
    """A material of the merged list: once, with every item that needs it."""

    name = serializers.CharField()
    issuing_body = serializers.CharField()
    originals = serializers.IntegerField()
    copies = serializers.IntegerField()
    required = serializers.BooleanField()
    tolerance_allowed = serializers.BooleanField()
    electronic_required = serializers.BooleanField()
    notes = serializers.CharField()
    items = BundleMaterialItemSerializer(many=True, source="versions")


class BundleSerializer(serializers.ModelSerializer):
    theme_display = serializers.CharField(source="get_theme_display")
    items = BundleItemSerializer(many=True, source="bundleitem_set")
    materials = serializers.SerializerMethodField()

    class Meta:
        model = Bundle
        fields = ["code", "name", "description", "theme", "theme_display", "items", "materials"]

    @extend_schema_field(BundleMaterialSerializer(many=True))
    def get_materials(self, obj) -> list[dict]:
        merged = bundle_material_list(obj, versions=bundle_published_versions(obj))
        return BundleMaterialSerializer(merged, many=True).data
