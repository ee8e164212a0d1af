"""``manage.py catalog_export``: the published catalog as an Excel workbook."""

from pathlib import Path

from django.core.management.base import BaseCommand

from catalog.excel import catalog_export


class Command(BaseCommand):
    help = "Export the published catalog to an Excel workbook (sheets 事项, 材料, 环节)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the .xlsx file to write")

    def handle(self, *args, path, **options):
        data = catalog_export()
        Path(path).write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"已导出事项目录到 {path}（{len(data)} 字节）。"))
