"""Admin for approvals: read-only. Every write belongs to a service (routing, task
actions, the sweep, delivery), which checks the state and leaves the case's event; the
admin is for looking, searching and auditing."""

from django.contrib import admin

from jinpu_portal.admin import ReadOnlyAdminMixin

from .models import Clock, ClockPause, Delivery, Escalation, Extension, Task


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every approvals admin: rows are written by the services only."""


class ClockPauseInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ClockPause
    extra = 0
    fields = ["kind", "reason", "started_on", "ended_on", "expected_days", "result", "created_by"]
    readonly_fields = fields


@admin.register(Clock)
class ClockAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "application",
        "kind",
        "department",
        "started_on",
        "budget_days",
        "extension_days",
        "paused_days",
        "due_date",
        "light",
        "warned_level",
        "is_open",
    ]
    list_filter = ["kind", "light", "is_open", "department"]
    search_fields = ["application__case_number"]
    date_hierarchy = "due_date"
    list_select_related = ["application", "department"]
    inlines = [ClockPauseInline]


@admin.register(ClockPause)
class ClockPauseAdmin(ReadOnlyAdmin):
    list_display = ["clock", "kind", "reason", "started_on", "ended_on", "expected_days"]
    list_filter = ["kind"]
    search_fields = ["clock__application__case_number", "reason"]
    list_select_related = ["clock"]


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = [
        "application",
        "stage",
        "name",
        "department",
        "status",
        "assignee",
        "decision",
        "created_at",
        "completed_at",
    ]
    list_filter = ["status", "decision", "department"]
    search_fields = ["application__case_number", "name", "assignee__username", "opinion"]
    date_hierarchy = "created_at"
    list_select_related = ["application", "department", "assignee"]


@admin.register(Extension)
class ExtensionAdmin(ReadOnlyAdmin):
    list_display = [
        "application",
        "days",
        "reason",
        "status",
        "requested_by",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["status"]
    search_fields = ["application__case_number", "reason"]
    list_select_related = ["application", "requested_by", "decided_by"]


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = [
        "issued_at",
        "application",
        "department",
        "rule",
        "warning_type",
        "status",
        "resolved_at",
    ]
    list_filter = ["status", "warning_type", "rule", "department"]
    search_fields = ["application__case_number", "content", "result"]
    date_hierarchy = "issued_at"
    list_select_related = ["application", "department"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "application",
        "method",
        "status",
        "tracking_number",
        "recipient_name",
        "window",
        "delivered_at",
        "delivered_by",
    ]
    list_filter = ["method", "status"]
    search_fields = ["application__case_number", "tracking_number", "recipient_name"]
    list_select_related = ["application", "window__hall", "delivered_by"]
