"""Admin pieces every app's back office shares, the one model of the portal's own shown
there (the keys of create-only forms, read-only) and django-axes's attempts list in
Chinese."""

import axes.admin
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .concurrency import STALE_MESSAGE, edit_token, field_state
from .models import FormSubmission
from .permissions import permission_label

TOKEN_FIELD = "edit_token"  # noqa: S105 (a form field name, not a secret)


class ReadOnlyAdminMixin:
    """For a ``ModelAdmin`` or an inline of rows that only the services write (audit
    rows, cases, their events): the admin shows them and never adds, changes or deletes
    one. Put it before the admin class: ``class X(ReadOnlyAdminMixin, admin.ModelAdmin)``."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CompactInlineMixin:
    """A stacked inline whose fields sit several to a row, each with its label (a
    tabular inline's columns have none: axe's critical "label"; and 13 of them made the
    version editor 2,715 px wide). Its look: static/css/admin.css. Put it before the
    inline class: ``class X(CompactInlineMixin, admin.StackedInline)`` with ``fields``
    as tuples of a row's fields."""

    classes = ["compact-inline"]
    formfield_overrides = {
        models.CharField: {"widget": forms.TextInput(attrs={"class": "vTextField"})},
    }


class PermissionLabelsMixin:
    """For the admin of users and roles (groups): their two-box lists of permissions read
    in Chinese (``jinpu_portal.permissions.permission_label``: Django's list named
    django-guardian's app and models in English). Put it before the admin class."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.remote_field.model is Permission:
            field.label_from_instance = permission_label
        return field


class _EditTokenForm:
    """Mixed into an admin change form by ``EditTokenAdminMixin.get_form``: a hidden
    token of the values the page showed, checked against the locked row on save."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[TOKEN_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False)
        if not self.is_bound:
            self.initial[TOKEN_FIELD] = self.stored_token(self.instance)

    def edited_names(self) -> list[str]:
        return [n for n, f in self.fields.items() if n != TOKEN_FIELD and not f.disabled]

    def stored_token(self, instance) -> str:
        return edit_token(
            {
                "fields": field_state(instance, self.edited_names()),
                "related": self.related_state(instance),
            }
        )

    def related_state(self, instance) -> list:  # replaced per request by the admin
        return []

    def clean(self):
        data = super().clean()
        model = type(self.instance)
        # The admin's POST runs in a transaction: the row stays locked until it commits,
        # so a colleague's save of the same row waits and then finds a new token.
        stored = model._base_manager.select_for_update().filter(pk=self.instance.pk).first()
        if stored is None or data.get(TOKEN_FIELD) != self.stored_token(stored):
            raise ValidationError(STALE_MESSAGE, code="stale")
        # The columns this form does not edit are written back as they are now (the
        # admin's ``save()`` writes the whole row), not as they were read a moment ago.
        edited = set(self.edited_names())
        for field in model._meta.concrete_fields:
            if field.name not in edited and not field.primary_key:
                setattr(self.instance, field.attname, getattr(stored, field.attname))
        return data


class EditTokenAdminMixin:
    """For every ``ModelAdmin`` that changes rows: two administrators editing the same
    row never overwrite each other. The change form carries a token of the values it
    shows (its own fields and the rows of the inlines the user may edit,
    ``jinpu_portal.concurrency``); saving locks the row and refuses, with
    ``STALE_MESSAGE`` and nothing saved, when what is stored is no longer what the page
    showed. Put it before the admin class, like ``ReadOnlyAdminMixin``; the change form
    template (``templates/admin/change_form.html``) renders the token."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form
        admin = self

        def related_state(form_self, instance):
            return admin.related_state(request, instance)

        return type(form.__name__, (_EditTokenForm, form), {"related_state": related_state})

    def related_state(self, request, obj) -> list:
        """The rows of the inlines ``request``'s user may change, add to or delete from,
        each with the values of its form's fields."""
        state = []
        for inline in self.get_inline_instances(request, obj):
            if not (
                inline.has_change_permission(request, obj)
                or inline.has_add_permission(request, obj)
                or inline.has_delete_permission(request, obj)
            ):
                continue
            formset = inline.get_formset(request, obj)
            names = [name for name in formset.form.base_fields if name != formset.fk.name]
            rows = inline.get_queryset(request).filter(**{formset.fk.name: obj}).order_by("pk")
            state.append([{"pk": row.pk, **field_state(row, names)} for row in rows])
        return state


@admin.register(FormSubmission)
class FormSubmissionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Which create-only form was posted, by whom, and what its first post made
    (jinpu_portal.submissions); kept two days."""

    list_display = ["key", "purpose", "user", "made_display", "created_at"]
    list_filter = ["purpose"]
    list_select_related = ["user", "content_type"]
    search_fields = ["=key", "user__username"]
    date_hierarchy = "created_at"
    fields = ["key", "purpose", "user", "content_type", "object_id", "created_at"]
    ordering = ["-created_at"]

    @admin.display(description="首次提交所建对象")
    def made_display(self, obj) -> str:
        if obj.content_type_id is None:
            return "—"
        return f"{obj.content_type.name} #{obj.object_id}"


# django-axes (登录锁定): its words are translated in locale/zh_Hans/LC_MESSAGES/django.po,
# but two of its admin's are no catalog string: the attempts list's column of tries left
# is headed by its method's name ("Status"), and the clean-up action's message is
# formatted before it is translated ("Cleaned up 3 expired access attempts."). The same
# admin, re-registered with the two in Chinese; its clean-up also runs (axes 8.3's
# failed with an AttributeError: it reads the attempt time axes sets on a login request
# only, so the admin's request gets axes's attributes first).
class AccessAttemptAdmin(axes.admin.AccessAttemptAdmin):
    @admin.display(description="锁定状态")
    def status(self, obj):
        return super().status(obj)

    @admin.action(description=_("Clean up expired attempts"))  # translated in django.po
    def cleanup_expired_attempts(self, request, queryset):
        AxesProxyHandler.update_request(request)  # the attempt time: now
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(request, f"已清理 {count} 条到期的登录失败记录。")


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, AccessAttemptAdmin)
