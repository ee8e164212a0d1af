"""The hall app: tickets and calling (取号叫号), windows, appointments."""

from django.apps import AppConfig


class HallConfig(AppConfig):
    name = "hall"
    verbose_name = "大厅取号叫号"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        self._connect_intake()
        from .page_navigation import register as register_pages
        from .workbench import register as register_banner

        register_pages()  # the pages' cards on the role home pages
        register_banner()  # the ticket in service, on the clerk's workbench pages

    @staticmethod
    def _connect_intake():
        """An application accepted, refused or sent back for correction at a window while
        that window serves a ticket is linked to the ticket (hall.receivers)."""
        from .receivers import connect

        connect()
