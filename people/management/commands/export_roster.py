"""`manage.py export_roster PATH`: the whole service's roster, in the import layout."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from people.services.roster_export import export_roster


class Command(BaseCommand):
    help = "导出全市人员名册（.xlsx，格式与导入模板相同）。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="输出文件路径（.xlsx）")

    def handle(self, *args, path, **options):
        target = Path(path)
        try:
            target.write_bytes(export_roster(user=None))
        except OSError as exc:
            message = _("无法写入 %(path)s：%(error)s")
            raise CommandError(message % {"path": target, "error": exc.strerror}) from exc
        self.stderr.write(_("已导出到 %(path)s。") % {"path": target})
