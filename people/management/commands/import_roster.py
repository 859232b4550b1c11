"""`manage.py import_roster PATH`: the HR roster import, for the whole service, from a shell."""

import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from people.services.roster_export import credentials_workbook
from people.services.roster_import import import_roster
from people.services.roster_read import read_roster
from people.services.roster_types import RosterInvalid


class Command(BaseCommand):
    help = (
        "导入人员名册（.xlsx 或 .csv）：校验全部行，有任何问题则不做修改并列出问题；"
        "成功时在标准输出打印一行 JSON 汇总。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="名册文件路径（.xlsx 或 .csv）")
        parser.add_argument("--dry-run", action="store_true", help="只校验和统计，不写入")
        parser.add_argument(
            "--initial-password", help="新账号统一使用的初始密码（默认每个账号随机生成）"
        )
        parser.add_argument(
            "--credentials-out", metavar="FILE.xlsx", help="把生成的初始密码写入此 .xlsx 文件"
        )

    def handle(self, *args, path, dry_run, initial_password, credentials_out, **options):
        source = Path(path)
        try:
            data = source.read_bytes()
        except OSError as exc:
            message = _("无法读取 %(path)s：%(error)s")
            raise CommandError(message % {"path": source, "error": exc.strerror}) from exc
        out = Path(credentials_out) if credentials_out else None
        if out is not None and not (out.parent.is_dir() and os.access(out.parent, os.W_OK)):
            # Checked first: the passwords of a committed import cannot be recovered later.
            raise CommandError(_("无法写入目录：%(path)s") % {"path": out.parent})
        try:
            roster = read_roster(data, filename=source.name)
            result = import_roster(
                roster=roster, actor=None, initial_password=initial_password, dry_run=dry_run
            )
        except RosterInvalid as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            message = _("名册未通过校验：共 %(count)d 个问题，没有做任何修改。")
            raise CommandError(message % {"count": len(exc.problems)}) from exc
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        if not result.credentials:
            return
        count = len(result.credentials)
        if out is not None:
            out.write_bytes(credentials_workbook(result.credentials))
            message = _("已将 %(count)d 个初始密码写入 %(path)s。")
            self.stderr.write(message % {"count": count, "path": out})
        else:
            message = _(
                "已生成 %(count)d 个初始密码，但没有保存。请用 --credentials-out FILE.xlsx 导出"
                "初始密码；否则这些账号需由人事重置密码后才能登录。"
            )
            self.stderr.write(self.style.WARNING(message % {"count": count}))
