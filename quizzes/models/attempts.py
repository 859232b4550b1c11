"""Attempts: a frozen paper, the answers as they were saved, grades, and integrity events."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["Attempt", "AttemptItem", "IntegrityEvent"]


class Attempt(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("作答中")
        GRADING = "grading", _("待阅卷")
        GRADED = "graded", _("已评分")

    class Ending(models.TextChoices):
        SUBMITTED = "submitted", _("本人交卷")
        TIME_UP = "time_up", _("时间到自动交卷")

    # Not guessable, though every view checks ownership anyway.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # None for a practice paper from the officer's wrong-answer notebook.
    # Found by (quiz, officer, number), the unique constraint's index: no index of its own.
    quiz = models.ForeignKey(
        "quizzes.Quiz",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attempts",
        verbose_name=_("考试"),
        db_index=False,
    )
    officer = models.ForeignKey(
        "people.Officer", on_delete=models.CASCADE, related_name="attempts", verbose_name=_("考生")
    )
    number = models.PositiveIntegerField(_("第几次"), default=1)
    practice = models.BooleanField(_("练习"), default=False)
    multiple_scoring = models.CharField(max_length=16, default="all_or_nothing")
    state = models.CharField(
        _("状态"), max_length=12, choices=State.choices, default=State.IN_PROGRESS, db_index=True
    )
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    deadline = models.DateTimeField(_("截止时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("交卷时间"), null=True, blank=True)
    ending = models.CharField(_("交卷方式"), max_length=10, choices=Ending.choices, blank=True)
    score = models.DecimalField(_("得分"), max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(_("满分"), max_digits=7, decimal_places=2, default=0)
    passed = models.BooleanField(_("及格"), null=True, blank=True)
    graded_at = models.DateTimeField(_("评分时间"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "officer", "number"], name="quizzes_attempt_unique_number"
            )
        ]

    def __str__(self):
        return f"{self.quiz or _('错题练习')} · {self.officer} · {self.number}"

    @property
    def in_progress(self) -> bool:
        return self.state == self.State.IN_PROGRESS

    def time_is_up(self, now=None) -> bool:
        return bool(self.deadline and (now or timezone.now()) >= self.deadline)


class AttemptItem(models.Model):
    """One question of an attempt's paper and the officer's latest saved answer to it.

    Every start writes fifty of these at once, inside the write transaction that every
    other start and answer save waits for on SQLite, so the table carries no index it does
    not need: items are found by (attempt, position), the unique constraint's index; only
    the few items waiting for a trainer, or graded by one, are indexed for those columns.
    No index on `version`: nothing looks items up by version, and the fifty random versions
    of a paper dirtied some fifty index pages per start, which was half of the commit. The
    price is paid when a question is deleted: the PROTECT check then scans the items (and a
    question that was ever given cannot be deleted anyway).
    """

    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="items", db_index=False
    )
    position = models.PositiveIntegerField(_("题号"))
    version = models.ForeignKey(
        "quizzes.QuestionVersion",
        on_delete=models.PROTECT,
        related_name="attempt_items",
        db_index=False,
    )
    # Displayed option i is original option option_order[i]; for a case, one list per part.
    option_order = models.JSONField(default=list, blank=True)
    points = models.DecimalField(_("分值"), max_digits=5, decimal_places=1)
    response = models.JSONField(_("作答"), null=True, blank=True)
    # The client's sequence number of the saved response: an older answer arriving late
    # (a retried request, a second tab) never replaces a newer one.
    response_seq = models.BigIntegerField(default=0)
    saved_at = models.DateTimeField(_("保存时间"), null=True, blank=True)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    part_scores = models.JSONField(default=list, blank=True)
    needs_grading = models.BooleanField(_("待人工评分"), default=False)
    feedback = models.TextField(_("评语"), blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["attempt_id", "position"]
        verbose_name = _("答题")
        verbose_name_plural = _("答题")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="quizzes_item_unique")
        ]
        indexes = [
            models.Index(
                fields=["needs_grading"],
                condition=models.Q(needs_grading=True),
                name="quizzes_item_to_grade",
            ),
            models.Index(
                fields=["graded_by"],
                condition=models.Q(graded_by__isnull=False),
                name="quizzes_item_graded_by",
            ),
        ]

    def __str__(self):
        return f"{self.attempt_id} #{self.position}"


class IntegrityEvent(models.Model):
    """A focus loss or tab switch during an exam: shown to the proctor, never scored."""

    class Kind(models.TextChoices):
        HIDDEN = "hidden", _("切换到其他标签页或应用")
        BLUR = "blur", _("窗口失去焦点")
        RETURNED = "returned", _("回到考试页面")
        RESUMED = "resumed", _("在新页面或设备上继续作答")

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事件"), max_length=10, choices=Kind.choices)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    # How long the page was away, as the browser measured it (seconds; 0 when unknown).
    away_seconds = models.PositiveIntegerField(_("离开时长（秒）"), default=0)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["attempt_id", "at"]
        verbose_name = _("考试行为记录")
        verbose_name_plural = _("考试行为记录")

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%H:%M:%S}"
