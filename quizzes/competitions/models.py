"""A competition of the capacity-building year: a knowledge competition or a judged contest."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def current_year() -> int:
    return timezone.localdate().year


class Competition(models.Model):
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
