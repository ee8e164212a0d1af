"""Admin of accounts: users, the organisation (departments, halls, windows), staff
profiles, citizens, identity verifications and enterprises."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from guardian.admin import GuardedModelAdmin

from jinpu_portal.admin import (
    CompactInlineMixin,
    EditTokenAdminMixin,
    PermissionLabelsMixin,
    ReadOnlyAdminMixin,
)

from .models import (
    Citizen,
    Department,
    Enterprise,
    EnterpriseAuthorizationEvent,
    EnterpriseRepresentative,
    Hall,
    IdentityVerification,
    StaffProfile,
    User,
    Window,
)


@admin.register(User)
class UserAdmin(PermissionLabelsMixin, EditTokenAdminMixin, DjangoUserAdmin):
    list_display = ["username", "full_name", "phone", "is_active", "is_staff", "last_login"]
    list_filter = ["groups", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "phone"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("联系方式", {"fields": ("full_name", "phone")}),
    )


# Roles are groups: their permissions are edited with the same edit token as every row.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(PermissionLabelsMixin, EditTokenAdminMixin, DjangoGroupAdmin):
    pass


@admin.register(Department)
class DepartmentAdmin(EditTokenAdminMixin, GuardedModelAdmin):
    """Object permissions (act for / supervise) are edited on each department's page."""

    list_display = ["code", "name", "kind", "parent", "phone", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "short_name", "credit_code"]
    autocomplete_fields = ["parent"]


class WindowInline(CompactInlineMixin, admin.StackedInline):
    """A hall's windows, a row each with its labels (the tabular inline's inputs had
    none: axe's critical "label", 32 nodes)."""

    model = Window
    extra = 0
    fields = [("number", "name", "is_active")]


@admin.register(Hall)
class HallAdmin(EditTokenAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "address", "opening_hours"]
    search_fields = ["code", "name"]
    inlines = [WindowInline]


@admin.register(Window)
class WindowAdmin(EditTokenAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "hall", "number", "name", "is_active"]
    list_filter = ["hall", "is_active"]
    search_fields = ["name", "hall__name"]


@admin.register(StaffProfile)
class StaffProfileAdmin(EditTokenAdminMixin, admin.ModelAdmin):
    list_display = ["user", "window", "district_wide", "head_of", "title"]
    list_filter = ["district_wide", "head_of", "window__hall"]
    search_fields = ["user__username", "user__full_name"]
    autocomplete_fields = ["user"]


@admin.register(Citizen)
class CitizenAdmin(EditTokenAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "masked_id_number",
        "phone",
        "user",
        "verified_at",
        "verification_method",
    ]
    search_fields = ["name", "=id_number", "phone"]

    def get_exclude(self, request, obj=None):
        # An existing identity's number is shown masked, never in a field.
        return ["id_number"] if obj is not None else []

    def get_readonly_fields(self, request, obj=None):
        """The number and the verification stay as the window's check or real-name
        verification left them (each with its IdentityVerification audit row)."""
        if obj is None:
            return ["created_at", "updated_at"]
        return [
            "masked_id_number",
            "verified_at",
            "verification_method",
            "created_at",
            "updated_at",
        ]

    @admin.display(description="公民身份号码")
    def masked_id_number(self, obj):
        return obj.masked_id_number


@admin.register(IdentityVerification)
class IdentityVerificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Audit rows: read only."""

    list_display = ["citizen", "user", "method", "verified_by", "window", "created_at"]
    list_filter = ["method", "hall"]


class _ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The authorization chain is written only by its services (each step an audit
    row): the admin shows it, never edits it."""

    extra = 0
    can_delete = False


class RepresentativeInline(_ReadOnlyInline):
    model = EnterpriseRepresentative
    fields = ["citizen", "all_items", "valid_until", "method", "granted_by", "revoked_at"]
    readonly_fields = fields


class AuthorizationEventInline(_ReadOnlyInline):
    model = EnterpriseAuthorizationEvent
    fields = ["at", "action", "citizen", "actor", "window", "note"]
    readonly_fields = fields


@admin.register(Enterprise)
class EnterpriseAdmin(EditTokenAdminMixin, admin.ModelAdmin):
    list_display = ["name", "masked_credit_code", "legal_representative", "phone"]
    search_fields = ["name", "=credit_code", "legal_representative"]
    exclude = ["legal_representative_id_number"]  # recorded at a window, never here
    inlines = [RepresentativeInline, AuthorizationEventInline]

    @admin.display(description="统一社会信用代码")
    def masked_credit_code(self, obj):
        return obj.masked_credit_code
