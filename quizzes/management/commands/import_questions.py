"""`manage.py import_questions PATH [--format xlsx|gift|moodlexml] [--category …] [--dry-run]`.

Prints the summary as one JSON object on stdout (also on --dry-run): `by_type`,
`categories`, `unsupported` ([{line, type}] of questions of unsupported types), with
`created`/`unchanged` counts. Every problem goes to stderr as `PATH: 第 N 行“字段”：…` and the
exit status is non-zero; then nothing is saved.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from quizzes.services.question_import import QuestionImportError, import_questions


class Command(BaseCommand):
    help = (
        "导入试题文件（Excel/CSV、GIFT、Moodle XML），或用 --dry-run 只检查不保存；输出 JSON 摘要。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH", help="试题文件")
        parser.add_argument(
            "--format",
            choices=["xlsx", "csv", "gift", "moodlexml"],
            help="文件格式；默认按扩展名或内容判断",
        )
        parser.add_argument(
            "--category", default="", help="文件未指定分类的试题放入此分类，如 行政处罚法/罚款"
        )
        parser.add_argument("--dry-run", action="store_true", help="只检查，不保存")

    def handle(self, *args, path, format=None, category="", dry_run=False, **options):
        name = str(path)
        try:
            data = Path(path).read_bytes()
        except FileNotFoundError:
            raise CommandError(f"{name}: {_('文件不存在')}") from None
        except IsADirectoryError:
            raise CommandError(f"{name}: {_('这是一个目录，不是文件')}") from None
        except OSError as error:
            message = _("无法读取文件：%(error)s") % {"error": error.strerror or error}
            raise CommandError(f"{name}: {message}") from None
        try:
            summary = import_questions(
                data=data,
                filename=Path(path).name,
                format=format,
                category=category,
                dry_run=dry_run,
            )
        except QuestionImportError as error:
            for problem in error.problems:
                for line in str(problem).splitlines():
                    self.stderr.write(f"{name}: {line}")
            message = _("%(count)d 处问题，未保存任何内容。") % {"count": len(error.problems)}
            raise CommandError(message) from None
        except DatabaseError as error:
            message = _("数据库错误（是否已运行 migrate？）：%(error)s") % {"error": error}
            raise CommandError(message) from None
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
