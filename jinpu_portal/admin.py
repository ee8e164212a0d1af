"""Admin pieces every app's back office shares (no model of its own is registered here)."""


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
