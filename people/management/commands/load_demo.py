"""`manage.py load_demo`: build the demo service through the same services the UI uses.

DEMO ONLY: every demo account has the password `people.demo.DEMO_PASSWORD`.
"""

import time
import unicodedata
from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from certificates import demo as certificates_demo
from courses import demo as courses_demo
from lianbing import demo as portal_demo
from people import demo, demo_hours
from people.models import Officer
from quizzes import demo as quizzes_demo
from quizzes import demo_attempts
from quizzes.competitions import demo as competitions_demo
from quizzes.finals import demo as finals_demo

# The steps, in order. Each takes a DemoConfig and returns a StepReport; later demo data
# (courses, questions, training records) is added here as further steps.
STEPS: list[Callable[[demo.DemoConfig], demo.StepReport]] = [
    demo.load_organisation,
    portal_demo.load_announcements,
    courses_demo.load_courses,
    quizzes_demo.load_question_bank,
    demo_attempts.load_demo_attempts,
    demo_hours.load_demo_hours,
    certificates_demo.load_demo_certificates,
    competitions_demo.load_demo_competitions,
    finals_demo.load_demo_final,
]

LOGIN_COLUMNS = ("角色", "工号/用户名", "姓名", "单位/管辖范围", "密码", "备注")


def display_width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def format_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(display_width(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(row):
        cells = [
            cell + " " * (width - display_width(cell))
            for cell, width in zip(row, widths, strict=True)
        ]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return [line(header), rule, *(line(row) for row in rows)]


class Command(BaseCommand):
    help = "加载演示数据（组织机构、执法人员与演示账号）并打印演示登录信息。仅用于演示环境。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="已有执法人员数据时什么也不做（make run 用它只加载一次）。",
        )
        parser.add_argument(
            "--officers",
            type=int,
            default=demo.DEFAULT_OFFICERS,
            help=f"演示执法人员人数（默认 {demo.DEFAULT_OFFICERS}）。",
        )

    def handle(self, *args, if_empty=False, officers=demo.DEFAULT_OFFICERS, **options):
        if officers < 1:
            raise CommandError("--officers 须为正整数。")
        if if_empty and Officer.objects.exists():
            self.stdout.write("已有执法人员数据，跳过演示数据加载。")
            return
        config = demo.DemoConfig(officers=officers)
        started = time.monotonic()
        reports = []
        with transaction.atomic():
            for step in STEPS:
                reports.append(step(config))
        elapsed = time.monotonic() - started

        for report in reports:
            self.stdout.write(self.style.MIGRATE_HEADING(report.title))
            for text in report.lines:
                self.stdout.write(f"  {text}")
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("演示账号（仅用于演示环境）"))
        logins = [login for report in reports for login in report.logins]
        rows = [
            (login.role, login.username, login.name, login.scope, login.password, login.note)
            for login in logins
        ]
        for text in format_table(LOGIN_COLUMNS, rows):
            self.stdout.write(f"  {text}")
        self.stdout.write("")
        self.stdout.write(
            f"  全部演示执法人员（工号 {demo.FIRST_EMPLOYEE_NUMBER} 起）的初始密码均为 "
            f"{demo.DEMO_PASSWORD}，首次登录须修改密码。"
        )
        self.stdout.write(self.style.SUCCESS(f"演示数据已加载（用时 {elapsed:.1f} 秒）。"))
