"""`manage.py import_regulation PATH… [--dry-run]`: import regulation texts (format: SOURCES.md).

Prints one JSON summary line per file. Every problem goes to stderr as `file: problem` and the
exit status is non-zero; then nothing is saved, not even the files that passed (a --dry-run
still prints their summaries).
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from courses.services.regulation_import import decode_regulation_text, import_regulation
from courses.services.regulation_parser import RegulationParseError, parse_regulation
from lianbing.errors import DomainError


def read_text(path: Path) -> str:
    """The file as text, or DomainError saying plainly why not."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DomainError(_("文件不存在"), code="file_missing") from None
    except IsADirectoryError:
        raise DomainError(_("这是一个目录，不是文件"), code="file_unreadable") from None
    except OSError as error:
        raise DomainError(
            _("无法读取文件：%(error)s") % {"error": error.strerror or error},
            code="file_unreadable",
        ) from None
    return decode_regulation_text(data)


class Command(BaseCommand):
    help = "导入法规文本（Markdown），或用 --dry-run 只检查不保存；输出 JSON 摘要。"

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="法规文本文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不保存")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="同一修订日期的文本内容不同时，作为更正替换原文本",
        )

    def handle(self, *args, paths, dry_run=False, replace=False, **options):
        texts, failed = [], 0
        for name in paths:
            try:
                text = read_text(Path(name))
                # Validate every file before saving any, so one bad file saves nothing.
                parse_regulation(text, source_name=Path(name).name)
                texts.append((name, text))
            except RegulationParseError as error:
                failed += self._report(name, error.problems)
            except DomainError as error:
                failed += self._report(name, [error.message])
        if dry_run:
            # No transaction: a dry run must not need a reachable, migrated database. The files
            # that pass are still summarised, so one run checks a whole folder.
            for name, text in texts:
                summary = self._import(name, text, dry_run=True)
                self.stdout.write(json.dumps(summary.as_json_dict(), ensure_ascii=False))
        if failed:
            raise CommandError(
                _("%(count)d 个文件未通过检查，未保存任何内容。") % {"count": failed}
            )
        if dry_run:
            return
        try:
            with transaction.atomic():
                summaries = [self._import(name, text, replace=replace) for name, text in texts]
        except DatabaseError as error:
            raise CommandError(
                _("数据库错误（是否已运行 migrate？）：%(error)s") % {"error": error}
            ) from None
        for summary in summaries:
            self.stdout.write(json.dumps(summary.as_json_dict(), ensure_ascii=False))

    def _import(self, name: str, text: str, **options):
        try:
            summary = import_regulation(text=text, source_name=Path(name).name, **options)
        except DomainError as error:
            self._report(name, [error.message])
            raise CommandError(_("导入失败，未保存任何内容。")) from None
        for warning in summary.details.get("warnings", ()):
            self.stderr.write(f"{name}: {_('注意')}：{warning}")
        return summary

    def _report(self, name: str, problems: list[str]) -> int:
        for problem in problems:
            for line in problem.splitlines():
                self.stderr.write(f"{name}: {line}")
        return 1
