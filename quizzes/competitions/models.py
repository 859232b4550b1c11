"""A competition of the capacity-building year: a knowledge competition or a judged contest.

A knowledge competition's preliminary is a quiz of the question bank; a judged contest has
entries, a judging panel and score sheets with weighted criteria. Both end in awards.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from people.storage import MaxFileSizeValidator, private_storage

# Documents of 执法文书 contests: office formats and scans, nothing executable.
ENTRY_EXTENSIONS = ["pdf", "doc", "docx", "wps", "ofd", "jpg", "jpeg", "png"]
ENTRY_MAX_SIZE = 20 * 1024 * 1024


def current_year() -> int:
    return timezone.localdate().year


class Competition(ClusterableModel):
    class Kind(models.TextChoices):
        KNOWLEDGE = "knowledge", _("知识竞赛")
        JUDGED = "judged", _("评比（执法文书、主题演讲、辩论）")

    title = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.KNOWLEDGE)
    year = models.PositiveIntegerField(_("年度"), default=current_year)
    description = models.TextField(_("说明"), blank=True)
    preliminary_quiz = models.ForeignKey(
        "quizzes.Quiz",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="competitions",
        verbose_name=_("初赛试卷"),
        help_text=_("初赛用题库考试引擎作答；开放时间、限时和抽题规则在该考试中设置。"),
    )
    # Units are ranked at this depth of the unit tree (2 = the units just below the city).
    ranking_unit_depth = models.PositiveSmallIntegerField(
        _("单位排名层级"), default=2, validators=[MinValueValidator(1), MaxValueValidator(6)]
    )
    min_participation_percent = models.PositiveSmallIntegerField(
        _("参与单位排名的最低参赛率（%）"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_("参赛率低于此值的单位列出但不参与排名，避免只派少数尖子参赛的单位占优。"),
    )
    rankings_released_at = models.DateTimeField(_("排名发布时间"), null=True, blank=True)
    credit_hours = models.DecimalField(
        _("参赛学时"),
        max_digits=4,
        decimal_places=1,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("颁奖时为每位参赛人员计入的培训学时；0 表示不计学时。"),
    )
    judges = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="judged_competitions",
        verbose_name=_("评委"),
        help_text=_("评比的评委会成员：每位评委对每件作品填写一份评分表。"),
    )
    judging_closed_at = models.DateTimeField(_("评分截止时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("竞赛与评比")
        verbose_name_plural = _("竞赛与评比")

    def __str__(self):
        return self.title

    @property
    def rankings_released(self) -> bool:
        return self.rankings_released_at is not None

    @property
    def judging_closed(self) -> bool:
        return self.judging_closed_at is not None

    @property
    def is_judged(self) -> bool:
        return self.kind == self.Kind.JUDGED


class JudgingCriterion(models.Model):
    """One line of a judged contest's scoring sheet, e.g. 事实认定 (weight 30, out of 10)."""

    competition = ParentalKey(
        Competition, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("评比")
    )
    name = models.CharField(_("评分项"), max_length=100)
    weight = models.DecimalField(
        _("权重"),
        max_digits=5,
        decimal_places=1,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.1"))],
        help_text=_("各评分项按权重折算为百分制总分。"),
    )
    max_score = models.DecimalField(
        _("满分"),
        max_digits=5,
        decimal_places=1,
        default=Decimal(10),
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["competition_id", "order", "id"]
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")

    def __str__(self):
        return self.name


class Entry(models.Model):
    """A contest entry: an uploaded document (执法文书) or a live performance (演讲、辩论)."""

    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="entries", verbose_name=_("评比")
    )
    title = models.CharField(_("作品名称"), max_length=200)
    unit = models.ForeignKey(
        "people.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("报送单位"),
    )
    officers = models.ManyToManyField(
        "people.Officer", blank=True, related_name="competition_entries", verbose_name=_("作者")
    )
    document = models.FileField(
        _("作品文件"),
        upload_to="competitions/%Y/",
        storage=private_storage,
        blank=True,
        max_length=200,
        validators=[
            FileExtensionValidator(ENTRY_EXTENSIONS),
            MaxFileSizeValidator(ENTRY_MAX_SIZE),
        ],
        help_text=_(
            "执法文书等作品的文件（PDF、Word、WPS、OFD 或图片，不超过 20 MB）；"
            "现场表演类作品不必上传。"
        ),
    )
    is_live_performance = models.BooleanField(_("现场表演"), default=False)
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)

    class Meta:
        ordering = ["competition_id", "id"]
        verbose_name = _("参评作品")
        verbose_name_plural = _("参评作品")

    def __str__(self):
        return self.title

    def clean(self):
        if not self.document and not self.is_live_performance:
            raise ValidationError(_("请上传作品文件，或勾选“现场表演”。"))


class ScoreSheet(models.Model):
    """One judge's marks for one entry; editable until the trainer closes judging."""

    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="sheets", verbose_name=_("作品")
    )
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="score_sheets",
        verbose_name=_("评委"),
    )
    comment = models.TextField(_("评语"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)

    class Meta:
        ordering = ["entry_id", "judge_id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "judge"], name="competitions_one_sheet")
        ]
        verbose_name = _("评分表")
        verbose_name_plural = _("评分表")

    def __str__(self):
        return f"{self.entry} · {self.judge}"


class ScoreMark(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="marks")
    criterion = models.ForeignKey(
        JudgingCriterion, on_delete=models.CASCADE, related_name="marks", verbose_name=_("评分项")
    )
    mark = models.DecimalField(_("得分"), max_digits=5, decimal_places=1)

    class Meta:
        ordering = ["sheet_id", "criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="competitions_one_mark")
        ]
        verbose_name = _("评分")
        verbose_name_plural = _("评分")

    def __str__(self):
        return f"{self.criterion}: {self.mark}"


class Award(models.Model):
    """An award of a competition to an officer (alone or in a team) or to a unit.

    One row per recipient: a team's prize is a row per member with the team's label. An
    officer holds at most one award of a competition, a unit at most one 优秀组织奖.
    """

    class Level(models.TextChoices):
        FIRST = "first", _("一等奖")
        SECOND = "second", _("二等奖")
        THIRD = "third", _("三等奖")
        ORGANISATION = "organisation", _("优秀组织奖")

    competition = models.ForeignKey(
        Competition, on_delete=models.CASCADE, related_name="awards", verbose_name=_("竞赛与评比")
    )
    level = models.CharField(_("奖项"), max_length=12, choices=Level.choices)
    rank = models.PositiveIntegerField(_("名次"), null=True, blank=True)
    officer = models.ForeignKey(
        "people.Officer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="competition_awards",
        verbose_name=_("获奖人"),
    )
    unit = models.ForeignKey(
        "people.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="competition_awards",
        verbose_name=_("单位"),
    )
    label = models.CharField(_("队伍或作品"), max_length=200, blank=True)
    certificate = models.ForeignKey(
        "certificates.Certificate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("证书"),
    )
    bulk_job = models.ForeignKey(
        "certificates.BulkIssueJob",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("颁发任务"),
    )
    granted_at = models.DateTimeField(_("颁奖时间"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["competition_id", "rank", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "officer"],
                condition=Q(officer__isnull=False),
                name="competitions_one_award_per_officer",
            ),
            models.UniqueConstraint(
                fields=["competition", "unit"],
                condition=Q(officer__isnull=True),
                name="competitions_one_award_per_unit",
            ),
            models.CheckConstraint(
                condition=Q(officer__isnull=False) | Q(unit__isnull=False),
                name="competitions_award_has_recipient",
            ),
        ]
        verbose_name = _("获奖")
        verbose_name_plural = _("获奖")

    def __str__(self):
        holder = self.officer or self.unit
        return f"{self.competition} · {self.get_level_display()} · {holder}"
