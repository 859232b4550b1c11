"""A live final: teams on a stage, rounds of questions, and the log of everything that happened.

The scores and the stage state are not stored: they are replayed from the action log
(`services.replay`), so undoing the last action is marking it undone, and every score can
be explained by the actions that made it.
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

__all__ = ["Final", "Team", "Round", "RoundQuestion", "Action"]


def screen_token() -> str:
    return secrets.token_urlsafe(18)


def parse_values(text: str) -> list[int]:
    """ "10,20,30" → [10, 20, 30]; full-width commas and spaces are accepted."""
    cleaned = text.replace("，", ",").replace("、", ",")
    values = []
    for piece in cleaned.split(","):
        piece = piece.strip()
        if not piece:
            continue
        if not piece.isdigit() or int(piece) <= 0:
            raise ValidationError(_("风险题分值须为正整数，用逗号分隔：%(v)s") % {"v": piece})
        values.append(int(piece))
    return values


class Final(ClusterableModel):
    competition = models.ForeignKey(
        "competitions.Competition",
        on_delete=models.CASCADE,
        related_name="finals",
        verbose_name=_("所属竞赛"),
    )
    title = models.CharField(_("名称"), max_length=200)
    hosts = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="hosted_finals",
        verbose_name=_("主持人"),
        help_text=_("只有主持人和管理员能操作现场决赛。"),
    )
    early_buzz_penalty = models.PositiveIntegerField(
        _("抢答犯规扣分"), default=10, help_text=_("主持人开放抢答前按抢答器：扣分并作废本题。")
    )
    risk_values = models.CharField(
        _("风险题分值"), max_length=50, default="10,20,30", help_text=_("用逗号分隔，如 10,20,30")
    )
    # Shown in the projector's address: the scoreboard needs no login in the hall.
    screen_token = models.CharField(max_length=32, unique=True, default=screen_token)
    # Bumped by every action and undo under the row lock: devices drop snapshots older than
    # the one they show (broadcasts from several processes may arrive out of order).
    version = models.PositiveIntegerField(default=0, editable=False)
    # The version the host console's last action or undo made: a console click carries the
    # version it showed, and one older than this is a repeat (a double click, a second host).
    # Team buzzes and picks leave it alone, so they never make a host click stale.
    host_version = models.PositiveIntegerField(default=0, editable=False)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("现场决赛")
        verbose_name_plural = _("现场决赛")

    def __str__(self):
        return self.title

    def clean(self):
        parse_values(self.risk_values)

    @property
    def risk_value_list(self) -> list[int]:
        return parse_values(self.risk_values)


class Team(ClusterableModel, Orderable):
    final = ParentalKey(Final, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("队名"), max_length=100)
    unit = models.ForeignKey(
        "people.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("代表单位"),
    )
    start_score = models.DecimalField(
        _("基础分"), max_digits=6, decimal_places=1, default=Decimal(100)
    )
    members = ParentalManyToManyField(
        "people.Officer", blank=True, related_name="final_teams", verbose_name=_("队员")
    )

    class Meta(Orderable.Meta):
        verbose_name = _("参赛队")
        verbose_name_plural = _("参赛队")
        constraints = [
            models.UniqueConstraint(fields=["final", "name"], name="finals_team_unique_name")
        ]

    def __str__(self):
        return self.name


class Round(Orderable):
    class Kind(models.TextChoices):
        COMPULSORY = "compulsory", _("必答题")
        BUZZER = "buzzer", _("抢答题")
        RISK = "risk", _("风险题")
        TIEBREAK = "tiebreak", _("加赛题")

    final = ParentalKey(Final, on_delete=models.CASCADE, related_name="rounds")
    kind = models.CharField(_("环节"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("名称"), max_length=100, blank=True)
    points_right = models.PositiveIntegerField(
        _("答对得分"), default=10, help_text=_("风险题按各队所选分值计分。")
    )
    points_wrong = models.PositiveIntegerField(
        _("答错扣分"), default=0, help_text=_("必答题答错不扣分；抢答题、加赛题答错扣此分。")
    )
    seconds = models.PositiveIntegerField(
        _("答题时限（秒）"), default=30, validators=[MinValueValidator(5)]
    )

    class Meta(Orderable.Meta):
        verbose_name = _("比赛环节")
        verbose_name_plural = _("比赛环节")

    def __str__(self):
        return self.title or self.get_kind_display()

    @property
    def label(self) -> str:
        return str(self)


class RoundQuestion(models.Model):
    """A question read on stage; its key stays on the host's console until judged."""

    # A plain key, not a ParentalKey: questions are edited in their own admin list, because
    # Wagtail's inline panels do not nest (final → rounds → questions).
    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="questions", verbose_name=_("环节")
    )
    # 必答题: the team whose turn it is; other rounds leave it empty.
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("答题队"),
    )
    stem = models.TextField(_("题干"))
    options = models.JSONField(_("选项"), default=list, blank=True)
    answer = models.TextField(_("答案"))
    explanation = models.TextField(_("解析"), blank=True)
    source = models.ForeignKey(
        "quizzes.Question",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("题库来源"),
    )

    sort_order = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        ordering = ["round_id", "sort_order", "id"]
        verbose_name = _("决赛题目")
        verbose_name_plural = _("决赛题目")

    def __str__(self):
        return self.stem[:40]


class Action(models.Model):
    """One thing done during the final, in the order the server accepted it."""

    class Kind(models.TextChoices):
        START_ROUND = "start_round", _("进入环节")
        SHOW_QUESTION = "show_question", _("出示题目")
        START_TIMER = "start_timer", _("开始计时")
        OPEN_BUZZERS = "open_buzzers", _("开放抢答")
        BUZZ = "buzz", _("抢答")
        PICK_RISK = "pick_risk", _("选择风险分值")
        JUDGE = "judge", _("判定")
        REVEAL = "reveal", _("公布答案")
        ADJUST = "adjust", _("调整分数")
        FINISH = "finish", _("结束比赛")

    final = models.ForeignKey(Final, on_delete=models.CASCADE, related_name="actions")
    seq = models.PositiveIntegerField(_("序号"))
    kind = models.CharField(_("操作"), max_length=16, choices=Kind.choices)
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    undone_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["final_id", "seq"]
        verbose_name = _("现场操作")
        verbose_name_plural = _("现场操作")
        constraints = [
            models.UniqueConstraint(fields=["final", "seq"], name="finals_action_unique_seq")
        ]

    def __str__(self):
        return f"{self.seq} {self.get_kind_display()}"
