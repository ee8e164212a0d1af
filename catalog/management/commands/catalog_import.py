"""``manage.py catalog_import``: an Excel workbook into the catalog, all or nothing."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from catalog.excel import catalog_import


class Command(BaseCommand):
    help = (
        "Import an Excel workbook into the catalog, all or nothing: a file with any error "
        "is refused and every error is listed by sheet, row and column."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the .xlsx file to read")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="publish the imported versions at once (default: leave them as drafts)",
        )
        parser.add_argument("--actor", help="username recorded as the actor of the import")

    def handle(self, *args, path, publish, actor, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"文件不存在：{path}")
        user = None
        if actor:
            user = get_user_model().objects.filter(username=actor).first()
            if user is None:
                raise CommandError(f"用户不存在：{actor}")
        with source.open("rb") as handle:
            result = catalog_import(handle, actor=user, publish=publish, source_name=source.name)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"文件有 {len(result.errors)} 处错误，未导入任何内容。")
        state = "并已发布" if publish else "（草稿，待发布）"
        self.stdout.write(
            self.style.SUCCESS(
                f"导入完成{state}：新增事项 {len(result.created)} 项，"
                f"新版本 {len(result.drafted)} 项，未变化 {len(result.unchanged)} 项。"
            )
        )
