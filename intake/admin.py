"""Admin of intake: applications with their materials and events, correction notices
and notices (read-mostly; writes go through the services)."""

from django.contrib import admin

from jinpu_portal.admin import ReadOnlyAdminMixin

from .models import (
    Application,
    CaseEvent,
    CorrectionItem,
    CorrectionNotice,
    Notice,
    SubmittedMaterial,
)


class SubmittedMaterialInline(admin.TabularInline):
    model = SubmittedMaterial
    extra = 0
    can_delete = False
    fields = [
        "material",
        "status",
        "originals_received",
        "copies_received",
        "file",
        "defect_reason",
    ]
    readonly_fields = fields


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "from_status", "to_status", "actor", "actor_role", "message"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: applications change only through the intake and approval services."""

    list_display = [
        "__str__",
        "item_version",
        "applicant",
        "status",
        "channel",
        "hall",
        "created_at",
    ]
    list_filter = ["status", "channel", "hall", "green_channel", "assisted", "by_agent"]
    search_fields = ["case_number", "applicant__name", "enterprise__name", "item_version__name"]
    date_hierarchy = "created_at"
    list_select_related = ["item_version", "applicant", "hall"]
    inlines = [SubmittedMaterialInline, CaseEventInline]


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "at",
        "application",
        "action",
        "from_status",
        "to_status",
        "actor_role",
        "channel",
    ]
    list_filter = ["action", "channel"]
    search_fields = ["application__case_number", "message"]
    date_hierarchy = "at"


class CorrectionItemInline(admin.TabularInline):
    model = CorrectionItem
    extra = 0
    can_delete = False
    readonly_fields = ["material", "status", "reason"]


@admin.register(CorrectionNotice)
class CorrectionNoticeAdmin(admin.ModelAdmin):
    list_display = ["application", "issued_at", "issued_by", "resolved_at"]
    inlines = [CorrectionItemInline]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "application", "status", "issued_at", "verification_code"]
    list_filter = ["kind", "status"]
    search_fields = ["number", "verification_code", "application__case_number"]

    def has_change_permission(self, request, obj=None):
        return False
