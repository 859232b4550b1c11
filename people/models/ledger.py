"""The training-hour ledger (学时台账): every credited hour is an entry, never edited away.

Corrections are reversing entries with a reason; `OfficerYearHours` keeps each officer's
running totals for a year, updated in the same transaction as every approved entry, so
tallies over a whole city read one row per officer instead of summing the ledger.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from people.storage import private_storage


class HourKind(models.TextChoices):
    ONLINE = "online", _("网络课程")
    CLASS = "class", _("脱产培训班")
    STUDY = "study", _("集体学习")
    EXAM = "exam", _("考试")
    COMPETITION = "competition", _("竞赛")
    EXTERNAL = "external", _("外部培训")


class SourceType(models.TextChoices):
    COURSE = "course", _("网络课程")
    CLASS_SESSION = "class_session", _("培训班课次")
    QUIZ = "quiz", _("考试")
    COMPETITION = "competition", _("竞赛")
    MANUAL = "manual", _("人工录入")


class HourEntry(models.Model):
    Kind = HourKind
    Source = SourceType

    class Status(models.TextChoices):
        APPROVED = "approved", _("已确认")
        PENDING = "pending", _("待审核")
        REJECTED = "rejected", _("未通过")

    officer = models.ForeignKey(
        "people.Officer",
        on_delete=models.PROTECT,
        related_name="hour_entries",
        verbose_name=_("执法人员"),
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    date = models.DateField(_("日期"))
    kind = models.CharField(_("类别"), max_length=16, choices=HourKind.choices)
    # What was claimed, and what was credited after the year's caps (e.g. online hours a day).
    claimed_hours = models.DecimalField(_("申报学时"), max_digits=6, decimal_places=1)
    hours = models.DecimalField(_("计入学时"), max_digits=6, decimal_places=1)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.APPROVED
    )
    source_type = models.CharField(_("来源类型"), max_length=16, choices=SourceType.choices)
    source_id = models.CharField(_("来源编号"), max_length=64, blank=True)
    title = models.CharField(_("内容"), max_length=200)
    note = models.TextField(_("说明"), blank=True)
    cap_note = models.CharField(_("计入说明"), max_length=200, blank=True)
    evidence = models.FileField(
        _("证明材料"),
        upload_to="hour-evidence/%Y/",
        storage=private_storage,
        blank=True,
        max_length=200,
    )
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
        verbose_name=_("冲销的记录"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )
    recorded_at = models.DateTimeField(_("录入时间"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=200, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["officer", "year", "status"], name="hour_officer_year"),
            models.Index(fields=["year", "status", "kind"], name="hour_year_status_kind"),
            # Covers the monthly chart: the year's hours by date without reading the table.
            models.Index(
                fields=["year", "status", "officer", "date", "hours"], name="hour_year_month"
            ),
            models.Index(fields=["source_type", "source_id"], name="hour_source"),
        ]
        verbose_name = _("学时记录")
        verbose_name_plural = _("学时记录")

    def __str__(self):
        return f"{self.officer} {self.date} {self.title} {self.hours}"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    @property
    def is_reversed(self) -> bool:
        return hasattr(self, "reversal")


KIND_FIELDS = {
    HourKind.ONLINE: "online",
    HourKind.CLASS: "offline_class",
    HourKind.STUDY: "study",
    HourKind.EXAM: "exam",
    HourKind.COMPETITION: "competition",
    HourKind.EXTERNAL: "external",
}


def _hours_field(label):
    return models.DecimalField(label, max_digits=8, decimal_places=1, default=Decimal(0))


class OfficerYearHours(models.Model):
    """An officer's approved hours in a year, by kind: a cache of the ledger's sums."""

    officer = models.ForeignKey(
        "people.Officer", on_delete=models.CASCADE, related_name="year_hours"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    online = _hours_field(HourKind.ONLINE.label)
    offline_class = _hours_field(HourKind.CLASS.label)
    study = _hours_field(HourKind.STUDY.label)
    exam = _hours_field(HourKind.EXAM.label)
    competition = _hours_field(HourKind.COMPETITION.label)
    external = _hours_field(HourKind.EXTERNAL.label)
    total = _hours_field(_("合计"))
    entries = models.PositiveIntegerField(_("记录数"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "officer"], name="unique_officer_year_hours")
        ]
        verbose_name = _("年度学时汇总")
        verbose_name_plural = _("年度学时汇总")

    def __str__(self):
        return f"{self.officer} {self.year}: {self.total}"

    def by_kind(self) -> dict[str, Decimal]:
        return {kind: getattr(self, field) for kind, field in KIND_FIELDS.items()}
