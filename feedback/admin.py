"""Admin of feedback (好差评): the counter pads (评价器), the one model of the app edited
in the back office; ratings and orders are worked through the pages and the API."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from jinpu_portal.admin import EditTokenAdminMixin

from .models import Pad
from .services.pads import pad_issue_key, pad_revoke


@admin.register(Pad)
class PadAdmin(EditTokenAdminMixin, admin.ModelAdmin):
    """Counter pads: adding one shows its device key once; revoking refuses it at once."""

    list_display = ["__str__", "window", "created_by", "created_at", "last_seen_at", "revoked_at"]
    list_filter = ["window__hall", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "window__hall__name"]
    list_select_related = ["window__hall", "created_by"]
    readonly_fields = ["created_by", "created_at", "last_seen_at", "revoked_at", "revoked_by"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "window"] if obj else []

    def get_fields(self, request, obj=None):
        return ["window", "name", *self.readonly_fields] if obj else ["window", "name"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        key = pad_issue_key(obj, actor=request.user)
        bind_url = request.build_absolute_uri(reverse("feedback:pad-bind")) + f"#key={key}"
        messages.warning(
            request,
            format_html(
                "评价器密钥只显示这一次：<code>{}</code>。在评价器（平板）上打开 {} 完成绑定。",
                key,
                bind_url,
            ),
        )

    @admin.action(description="停用所选评价器（密钥立即失效）")
    def revoke(self, request, queryset):
        for pad in queryset.filter(revoked_at__isnull=True).select_related("window"):
            pad_revoke(pad=pad, actor=request.user)
        self.message_user(request, "已停用所选评价器。", messages.SUCCESS)
