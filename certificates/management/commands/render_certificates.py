"""`manage.py render_certificates`: render every certificate still without its PDF.

The recovery path after a task worker was down or died in the middle of a bulk job (the
certificates themselves were committed; downloads would also render them one by one)."""

from django.core.management.base import BaseCommand

from certificates.services.pdfs import render_missing


class Command(BaseCommand):
    help = "为尚未生成 PDF 的证书生成 PDF（任务进程中断后使用）。"

    def handle(self, *args, **options):
        count = render_missing()
        self.stdout.write(f"rendered {count} certificate(s)")
