"""Serializers of the accounts API: references to departments, halls, windows, users,
citizens and enterprises, and the signed-in user (``/me``)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from jinpu_portal.api.fields import ChoiceRefSerializer, choice_refs

from ..constants import Role
from ..models import Department, Hall, Window


class DepartmentRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "name", "kind"]


class HallRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Hall
        fields = ["id", "code", "name"]


class WindowRefSerializer(serializers.ModelSerializer):
    hall = HallRefSerializer()

    class Meta:
        model = Window
        fields = ["id", "number", "name", "hall"]


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()


class EnterpriseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    credit_code = serializers.CharField(source="masked_credit_code")


class CitizenRefSerializer(serializers.Serializer):
    name = serializers.CharField()
    id_number = serializers.CharField(source="masked_id_number")
    phone = serializers.CharField(source="masked_phone", help_text="手机号码（脱敏）")


class MeSerializer(UserRefSerializer):
    """The user, their roles and their scope. ID numbers and the phone are masked."""

    roles = serializers.SerializerMethodField()
    window = WindowRefSerializer(allow_null=True)
    district_wide = serializers.BooleanField()
    acting_for = DepartmentRefSerializer(many=True)
    supervising = DepartmentRefSerializer(many=True)
    citizen = CitizenRefSerializer(allow_null=True)
    enterprises = EnterpriseRefSerializer(many=True)

    @extend_schema_field(ChoiceRefSerializer(many=True))
    def get_roles(self, obj) -> list[dict]:
        return choice_refs(Role, obj["roles"])
