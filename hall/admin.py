"""The hall's back office: business categories (letters, items, appointment limits) and
the categories each window serves are edited here; tickets, their events and
appointments are shown read-only (the services write them)."""

from django.contrib import admin

from jinpu_portal.admin import EditTokenAdminMixin, ReadOnlyAdminMixin

from .models import Appointment, ServiceCategory, Ticket, TicketEvent, WindowSeat


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(EditTokenAdminMixin, admin.ModelAdmin):
    list_display = [
        "letter",
        "name",
        "hall",
        "appointment_limit",
        "service_minutes",
        "is_active",
        "order",
    ]
    list_filter = ["hall", "is_active"]
    search_fields = ["name", "letter"]
    filter_horizontal = ["items"]
    ordering = ["hall__code", "order", "letter"]

    def save_model(self, request, obj, form, change):
        obj.letter = (obj.letter or "").strip().upper()
        super().save_model(request, obj, form, change)


@admin.register(WindowSeat)
class WindowSeatAdmin(EditTokenAdminMixin, admin.ModelAdmin):
    """The categories a window serves. Its state and clerk change through the window
    management page (``hall.services.windows``), so they are read-only here."""

    list_display = ["window", "state", "clerk", "served_categories"]
    list_filter = ["hall", "state"]
    readonly_fields = ["window", "hall", "state", "clerk", "state_changed_at"]
    filter_horizontal = ["categories"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="办理的业务类别")
    def served_categories(self, obj):
        return "、".join(f"{c.letter} {c.name}" for c in obj.categories.all())

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("window__hall", "clerk")
            .prefetch_related("categories")
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "categories":
            seat_id = (
                request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            )
            seat = WindowSeat.objects.filter(pk=seat_id).first() if seat_id else None
            if seat is not None:
                kwargs["queryset"] = ServiceCategory.objects.filter(hall_id=seat.hall_id)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class TicketEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TicketEvent
    fields = ["at", "action", "actor", "window", "details"]
    readonly_fields = fields
    extra = 0
    ordering = ["id"]


class MaskedIdNumberMixin:
    """The ID number a ticket or an appointment was taken with, shown masked under its
    Chinese name (the number itself is excluded from the page)."""

    @admin.display(description="公民身份号码")
    def masked_id_number(self, obj):
        return obj.masked_id_number


@admin.register(Ticket)
class TicketAdmin(MaskedIdNumberMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "label",
        "day",
        "hall",
        "category",
        "status",
        "lane",
        "window",
        "created_at",
        "called_at",
        "ended_at",
    ]
    list_filter = ["hall", "day", "status", "lane", "source"]
    search_fields = ["label"]
    date_hierarchy = "day"
    exclude = ["id_number", "token"]
    readonly_fields = ["masked_id_number"]
    inlines = [TicketEventInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("hall", "category", "window")


@admin.register(Appointment)
class AppointmentAdmin(MaskedIdNumberMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "day", "slot", "hall", "category", "name", "status"]
    list_filter = ["hall", "status", "day"]
    search_fields = ["code", "name"]
    date_hierarchy = "day"
    exclude = ["id_number"]
    readonly_fields = ["masked_id_number"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("hall", "category")
