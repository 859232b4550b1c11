"""Offline training classes (脱产培训班), run in batches (分期分批): sessions, roster,
attendance by rotating QR code or marked by HR."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["Attendance", "ClassMember", "ClassSession", "TrainingClass"]


def _new_secret() -> str:
    return secrets.token_hex(16)


class TrainingClass(models.Model):
    title = models.CharField(_("培训班名称"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    batch = models.PositiveSmallIntegerField(
        _("期数"), default=1, validators=[MinValueValidator(1)], help_text=_("第几期")
    )
    domain = models.ForeignKey(
        "people.Domain",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("执法领域"),
    )
    organiser = models.ForeignKey(
        "people.Unit",
        on_delete=models.PROTECT,
        related_name="training_classes",
        verbose_name=_("主办单位"),
    )
    starts_on = models.DateField(_("开班日期"))
    ends_on = models.DateField(_("结业日期"))
    venue = models.CharField(_("培训地点"), max_length=200)
    description = models.TextField(_("培训内容"), blank=True)
    roster_units = models.ManyToManyField(
        "people.Unit", blank=True, related_name="+", verbose_name=_("参训单位")
    )
    roster_domains = models.ManyToManyField(
        "people.Domain", blank=True, related_name="+", verbose_name=_("参训执法领域")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-batch"]
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")

    def __str__(self):
        return _("%(title)s（第%(batch)s期）") % {"title": self.title, "batch": self.batch}


class ClassSession(models.Model):
    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.CASCADE, related_name="sessions"
    )
    title = models.CharField(_("课次内容"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    hours = models.DecimalField(
        _("学时"),
        max_digits=4,
        decimal_places=1,
        default=Decimal(2),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal(12))],
    )
    # Keys the rotating sign-in codes: a code for one session is worthless for another.
    secret = models.CharField(max_length=32, default=_new_secret, editable=False)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("课次")
        verbose_name_plural = _("课次")

    def __str__(self):
        return f"{self.training_class} · {self.title}"


class ClassMember(models.Model):
    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.CASCADE, related_name="members"
    )
    officer = models.ForeignKey(
        "people.Officer", on_delete=models.CASCADE, related_name="class_memberships"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["training_class", "officer"], name="unique_class_member"
            )
        ]
        verbose_name = _("参训人员")
        verbose_name_plural = _("参训人员")

    def __str__(self):
        return f"{self.training_class} · {self.officer_id}"


class Attendance(models.Model):
    class Method(models.TextChoices):
        QR = "qr", _("扫码签到")
        MARKED = "marked", _("人工签到")

    session = models.ForeignKey(ClassSession, on_delete=models.CASCADE, related_name="attendances")
    officer = models.ForeignKey(
        "people.Officer", on_delete=models.CASCADE, related_name="attendances"
    )
    method = models.CharField(_("签到方式"), max_length=8, choices=Method.choices)
    at = models.DateTimeField(_("签到时间"), default=timezone.now)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "officer"], name="unique_attendance")
        ]
        verbose_name = _("签到记录")
        verbose_name_plural = _("签到记录")

    def __str__(self):
        return f"{self.session} · {self.officer_id}"
