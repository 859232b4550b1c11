"""`manage.py rebuild_hour_totals [--year YYYY] [--check]`: recompute the per-officer year
totals from the ledger, or with --check only report officers whose totals disagree."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Sum
from django.utils import timezone

from people.models import HourEntry, OfficerYearHours
from people.services.ledger import rebuild_year_totals


class Command(BaseCommand):
    help = "根据学时台账重新计算每人年度学时汇总；--check 只检查不修改。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=timezone.localdate().year)
        parser.add_argument("--check", action="store_true", help="只报告不一致的人员，不修改。")

    def handle(self, *args, year, check, **options):
        if check:
            ledger = dict(
                HourEntry.objects.filter(year=year, status=HourEntry.Status.APPROVED)
                .order_by()
                .values_list("officer_id")
                .annotate(total=Sum("hours"))
            )
            cached = dict(
                OfficerYearHours.objects.filter(year=year).values_list("officer_id", "total")
            )
            wrong = sorted(
                officer
                for officer in ledger.keys() | cached.keys()
                if ledger.get(officer, 0) != cached.get(officer, 0)
            )
            if wrong:
                raise CommandError(
                    f"{year} 年有 {len(wrong)} 人的汇总与台账不一致（人员 id：{wrong[:20]}）"
                )
            self.stdout.write(f"{year} 年 {len(ledger)} 人的汇总与台账一致。")
            return
        rows = rebuild_year_totals(year=year)
        self.stdout.write(f"已根据台账重算 {year} 年 {rows} 人的学时汇总。")
