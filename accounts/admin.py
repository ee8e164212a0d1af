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

from .constants import Role
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

# Roles are groups named by the stable codes of accounts.constants.Role: the code checks
# a role by its group's name (User.role_names, the token users' cache, the API's
# /me/), and sync_role_permissions makes a role's group again by that name. The admin
# keeps the codes and shows each role by its Chinese name: 综窗人员（clerk）.
ROLE_NAMES = dict(Role.choices)


def group_label(group: Group) -> str:
    """综窗人员（clerk） for a role's group; any other group by its name."""
    role = ROLE_NAMES.get(group.name)
    return f"{role}（{group.name}）" if role else group.name


class RoleGroupFilter(admin.RelatedFieldListFilter):
    """The user list's filter by group, each role by its Chinese name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "角色"

    def field_choices(self, field, request, model_admin):
        return [(group.pk, group_label(group)) for group in Group.objects.order_by("name")]


@admin.register(User)
class UserAdmin(PermissionLabelsMixin, EditTokenAdminMixin, DjangoUserAdmin):
    list_display = ["username", "full_name", "phone", "is_active", "is_staff", "last_login"]
    list_filter = [("groups", RoleGroupFilter), "is_active", "is_staff"]
    search_fields = ["username", "full_name", "phone"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("联系方式", {"fields": ("full_name", "phone")}),
    )

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.remote_field.model is Group:
            field.label_from_instance = group_label  # the user's roles, in Chinese
        return field


# Roles are groups: their permissions are edited with the same edit token as every row.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(PermissionLabelsMixin, EditTokenAdminMixin, DjangoGroupAdmin):
    """The roles by their Chinese names (角色) beside their codes (名称), found by either;
    a role's group is neither renamed nor deleted here (the portal would lose the role).
    Other groups are edited as Django's admin does."""

    list_display = ["role", "name"]
    list_display_links = ["role", "name"]

    @admin.display(description="角色", ordering="name")
    def role(self, group: Group) -> str:
        return ROLE_NAMES.get(group.name, "—")

    def get_fields(self, request, obj=None):
        if obj is not None and obj.name in ROLE_NAMES:
            return ["role", "name", "permissions"]
        return ["name", "permissions"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.name in ROLE_NAMES:
            return ["role", "name"]
        return []

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.name in ROLE_NAMES:
            return False  # a role's group: its members would lose the role
        return super().has_delete_permission(request, obj)

    def get_search_results(self, request, queryset, search_term):
        found, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        codes = [code for code, role in ROLE_NAMES.items() if term and term in str(role)]
        if codes:
            found |= queryset.filter(name__in=codes)
        return found, duplicates

    def change_view(self, request, object_id, form_url="", extra_context=None):
        group = self.get_object(request, object_id)
        if group is not None and group.name in ROLE_NAMES:
            extra_context = {
                **(extra_context or {}),
                "title": "修改角色",
                "subtitle": group_label(group),
            }
        return super().change_view(request, object_id, form_url, extra_context)


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
