"""Quizzes and papers: which questions an attempt draws, when and how it is taken and shown."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from quizzes.models.bank import Category, Difficulty, Kind, Question

__all__ = ["Quiz", "DrawRule", "FixedQuestion"]


class Quiz(ClusterableModel):
    class Mode(models.TextChoices):
        EXAM = "exam", _("考试")
        PRACTICE = "practice", _("练习")

    class Grading(models.TextChoices):
        HIGHEST = "highest", _("最高分")
        LAST = "last", _("最后一次")
        FIRST = "first", _("第一次")
        AVERAGE = "average", _("平均分")

    class MultipleScoring(models.TextChoices):
        ALL_OR_NOTHING = "all_or_nothing", _("全对才得分")
        PARTIAL = "partial", _("少选按比例得分，错选不得分")

    class Release(models.TextChoices):
        IMMEDIATELY = "immediately", _("交卷后立即")
        AFTER_CLOSE = "after_close", _("考试关闭后")
        NEVER = "never", _("不公布")

    title = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("考试说明"), blank=True)
    mode = models.CharField(_("模式"), max_length=10, choices=Mode.choices, default=Mode.EXAM)
    live = models.BooleanField(_("已发布"), default=False)
    opens_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    closes_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    time_limit_minutes = models.PositiveIntegerField(
        _("限时（分钟）"), default=0, help_text=_("0 表示不限时；练习模式不限时。")
    )
    attempts_allowed = models.PositiveIntegerField(
        _("允许作答次数"), default=1, help_text=_("0 表示不限次数。")
    )
    grading_method = models.CharField(
        _("多次作答取分"), max_length=10, choices=Grading.choices, default=Grading.HIGHEST
    )
    pass_percent = models.PositiveSmallIntegerField(
        _("及格线（%）"), default=60, validators=[MaxValueValidator(100)]
    )
    shuffle_questions = models.BooleanField(_("题目乱序"), default=True)
    shuffle_options = models.BooleanField(_("选项乱序"), default=True)
    multiple_scoring = models.CharField(
        _("多选题计分"),
        max_length=16,
        choices=MultipleScoring.choices,
        default=MultipleScoring.ALL_OR_NOTHING,
    )
    show_score = models.CharField(
        _("公布成绩"), max_length=12, choices=Release.choices, default=Release.IMMEDIATELY
    )
    show_answers = models.CharField(
        _("公布正确答案"), max_length=12, choices=Release.choices, default=Release.AFTER_CLOSE
    )
    show_explanations = models.CharField(
        _("公布解析"), max_length=12, choices=Release.choices, default=Release.AFTER_CLOSE
    )
    audience_everyone = models.BooleanField(
        _("面向全体执法人员"),
        default=True,
        help_text=_("取消后仅下列单位（含下级）或执法领域的人员可参加。"),
    )
    audience_units = ParentalManyToManyField(
        "people.Unit", blank=True, related_name="+", verbose_name=_("参加单位")
    )
    audience_domains = ParentalManyToManyField(
        "people.Domain", blank=True, related_name="+", verbose_name=_("参加执法领域")
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quizzes",
        verbose_name=_("所属课程"),
    )
    required_for_completion = models.BooleanField(
        _("结业须通过本考试"), default=False, help_text=_("勾选后，所属课程须通过本考试才能结业。")
    )
    credit_hours = models.DecimalField(
        _("学时"),
        max_digits=4,
        decimal_places=1,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("参加本考试计入的培训学时；0 表示不计学时。"),
    )
    credit_requires_pass = models.BooleanField(
        _("通过才计学时"), default=True, help_text=_("取消后，交卷即计入学时。")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        ordering = ["-opens_at", "-id"]
        verbose_name = _("考试与练习")
        verbose_name_plural = _("考试与练习")

    def __str__(self):
        return self.title

    @property
    def is_practice(self) -> bool:
        return self.mode == self.Mode.PRACTICE

    @property
    def timed(self) -> bool:
        return not self.is_practice and self.time_limit_minutes > 0

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        if not self.live:
            return False
        if self.opens_at and now < self.opens_at:
            return False
        return not (self.closes_at and now >= self.closes_at)

    def is_closed(self, now=None) -> bool:
        now = now or timezone.now()
        return bool(self.closes_at and now >= self.closes_at)


class DrawRule(Orderable):
    """ "Draw N questions of kind T from category C at difficulty D, P points each"."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="draw_rules")
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("分类")
    )
    include_subcategories = models.BooleanField(_("含下级分类"), default=True)
    kind = models.CharField(_("题型"), max_length=16, choices=Kind.choices, blank=True)
    difficulty = models.PositiveSmallIntegerField(
        _("难度"), choices=Difficulty.choices, null=True, blank=True
    )
    count = models.PositiveIntegerField(_("抽题数"), validators=[MinValueValidator(1)])
    points = models.DecimalField(
        _("每题分值"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("留空则用试题本身的分值。"),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("抽题规则")
        verbose_name_plural = _("抽题规则")

    def __str__(self):
        return f"{self.category} × {self.count}"


class FixedQuestion(Orderable):
    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="fixed_questions")
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="+", verbose_name=_("试题")
    )
    points = models.DecimalField(
        _("分值"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("留空则用试题本身的分值。"),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("固定试题")
        verbose_name_plural = _("固定试题")

    def effective_points(self) -> Decimal:
        return self.points if self.points is not None else self.question.points
