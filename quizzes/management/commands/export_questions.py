"""`manage.py export_questions [--format gift|moodlexml|xlsx] [--category PATH] [-o FILE]`.

Writes the questions of a category and its sub-categories (all without --category) to FILE,
or GIFT/Moodle XML to stdout. The format defaults to FILE's extension, else GIFT.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from quizzes.services.bank import category_for_path
from quizzes.services.question_export import export_questions, questions_in

# The format a -o file name implies.
FORMAT_OF = {".xlsx": "xlsx", ".xml": "moodlexml", ".gift": "gift", ".txt": "gift"}


class Command(BaseCommand):
    help = "导出试题为 GIFT、Moodle XML 或 Excel 文件。"

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["gift", "moodlexml", "xlsx"], help="导出格式")
        parser.add_argument("--category", default="", help="只导出此分类（含下级分类）的试题")
        parser.add_argument("-o", "--output", metavar="FILE", help="输出文件；默认输出到屏幕")

    def handle(self, *args, format=None, category="", output=None, **options):
        if format is None:
            suffix = Path(output).suffix.lower() if output else ""
            format = FORMAT_OF.get(suffix, "gift")
        folder = None
        if category:
            folder = category_for_path(category, create=False)
            if folder is None:
                raise CommandError(_("分类“%(path)s”不存在") % {"path": category})
        data = export_questions(questions_in(folder), format)
        if output:
            Path(output).write_bytes(data)
            return
        if format == "xlsx":
            raise CommandError(_("Excel 文件不能输出到屏幕，请用 -o 指定输出文件"))
        self.stdout.write(data.decode("utf-8"), ending="")
