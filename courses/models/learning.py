"""An officer's learning: enrolments, lesson progress and study notes."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Enrollment(models.Model):
    class Source(models.TextChoices):
        SELF = "self", _("自行报名")
        ASSIGNED = "assigned", _("人事指派")

    officer = models.ForeignKey(
        "people.Officer", on_delete=models.CASCADE, related_name="enrollments"
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="enrollments"
    )
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    enrolled_at = models.DateTimeField(_("报名时间"), default=timezone.now)
    completed_at = models.DateTimeField(_("结业时间"), null=True, blank=True)
    last_lesson = models.ForeignKey(
        "courses.LessonPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_activity_at = models.DateTimeField(_("最近学习"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["officer", "course"], name="unique_enrollment")
        ]
        verbose_name = _("选课")
        verbose_name_plural = _("选课")

    def __str__(self):
        return f"{self.officer} · {self.course}"


class LessonProgress(models.Model):
    officer = models.ForeignKey(
        "people.Officer", on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(
        "courses.LessonPage", on_delete=models.CASCADE, related_name="progress"
    )
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="progress")
    opened_at = models.DateTimeField(_("首次打开"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("最近心跳"), default=timezone.now)
    seconds = models.PositiveIntegerField(_("学习时长（秒）"), default=0)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["officer", "lesson"], name="unique_lesson_progress")
        ]
        verbose_name = _("课时进度")
        verbose_name_plural = _("课时进度")

    def __str__(self):
        return f"{self.officer} · {self.lesson}"


class StudyNote(models.Model):
    """学习笔记: one note per officer and lesson, edited as often as the officer likes."""

    officer = models.ForeignKey("people.Officer", on_delete=models.CASCADE, related_name="notes")
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("笔记"))
    # Characters written, without whitespace: what the service's study-note requirement counts.
    char_count = models.PositiveIntegerField(_("字数"), default=0)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["officer", "lesson"], name="unique_note")]
        verbose_name = _("学习笔记")
        verbose_name_plural = _("学习笔记")

    def __str__(self):
        return f"{self.officer} · {self.lesson}（{self.char_count} 字）"
