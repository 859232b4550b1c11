"""Certificates: layouts managed in the admin, issued certificates with serials and a
verification code, the per-year serial counter and bulk-issue progress records."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import PreviewableMixin

from people.storage import private_storage


class Kind(models.TextChoices):
    COURSE = "course", _("结业证书")
    EXAM = "exam", _("合格证书")
    AWARD = "award", _("获奖证书")
    UNIT_AWARD = "unit_award", _("优秀组织奖")
    MODEL_OFFICER = "model_officer", _("标兵证书")
    ANNUAL_RECORD = "annual_record", _("年度培训档案")


class Source(models.TextChoices):
    COURSE = "course", _("网络课程")
    QUIZ = "quiz", _("考试")
    COMPETITION = "competition", _("竞赛")
    ANNUAL = "annual", _("年度档案")
    MANUAL = "manual", _("人工颁发")


class CertificateTemplate(PreviewableMixin, models.Model):
    """A certificate layout: page, images and text with placeholders such as {姓名}.

    Wagtail's live preview shows the PDF of the form's current values with sample data.
    """

    class PageSize(models.TextChoices):
        A4 = "A4", "A4"
        A5 = "A5", "A5"

    class Orientation(models.TextChoices):
        LANDSCAPE = "landscape", _("横向")
        PORTRAIT = "portrait", _("纵向")

    class Font(models.TextChoices):
        SERIF = "serif", _("宋体（Noto Serif CJK）")
        SANS = "sans", _("黑体（Noto Sans CJK）")

    kind = models.CharField(_("证书类型"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("模板名称"), max_length=100)
    active = models.BooleanField(
        _("启用"),
        default=True,
        help_text=_("自动颁发使用该类型中启用的模板（有多个时用最近修改的一个）。"),
    )
    page_size = models.CharField(
        _("纸张"), max_length=4, choices=PageSize.choices, default=PageSize.A4
    )
    orientation = models.CharField(
        _("方向"), max_length=10, choices=Orientation.choices, default=Orientation.LANDSCAPE
    )
    font = models.CharField(_("字体"), max_length=10, choices=Font.choices, default=Font.SERIF)
    title = models.CharField(_("标题"), max_length=40, help_text=_("例如：结业证书"))
    body = models.TextField(
        _("正文"),
        help_text=_(
            "可用占位符：{姓名} {单位} {工号} {职务} {课程} {考试} {学时} {成绩} {竞赛} {奖项} "
            "{年度} {日期} {证书编号}。每行一段。"
        ),
    )
    issuer = models.CharField(_("落款单位"), max_length=100, blank=True)
    accent_color = models.CharField(
        _("主色"), max_length=7, default="#b22222", help_text=_("标题和边框的颜色，如 #b22222")
    )
    show_border = models.BooleanField(_("绘制边框"), default=True)
    background = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("背景图"),
    )
    seal = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("印章图"),
        help_text=_("透明背景的 PNG，盖在落款处"),
    )
    signature = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("签名图"),
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        ordering = ["kind", "-updated_at"]
        verbose_name = _("证书模板")
        verbose_name_plural = _("证书模板")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.name}"

    @property
    def preview_modes(self):
        return [("", _("图片")), ("pdf", _("PDF"))]

    def serve_preview(self, request, mode_name):
        from django.http import HttpResponse
        from django.shortcuts import render

        from certificates.services.preview import page_pictures, pdf_data_uri, preview_pdf

        pdf = preview_pdf(self)
        if mode_name == "pdf":
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = 'inline; filename="preview.pdf"'
        else:
            pictures = page_pictures(pdf)
            response = render(
                request,
                "certificates/preview.html",
                {
                    "template": self,
                    "pictures": pictures,
                    # Without pictures the page embeds the PDF for the browser's viewer.
                    "pdf_uri": "" if pictures else pdf_data_uri(pdf),
                },
            )
        response["Cache-Control"] = "no-store"
        return response

    @classmethod
    def active_for(cls, kind: str) -> "CertificateTemplate | None":
        return cls.objects.filter(kind=kind, active=True).order_by("-updated_at").first()


def new_verify_code() -> str:
    # 128 random bits: the code is the only key of the public verification page.
    return secrets.token_urlsafe(16)


class Certificate(models.Model):
    Kind = Kind
    Source = Source

    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        REVOKED = "revoked", _("已撤销")
        SUPERSEDED = "superseded", _("已重新颁发")

    serial = models.CharField(_("证书编号"), max_length=32, unique=True)
    verify_code = models.CharField(
        _("验证码"), max_length=32, unique=True, default=new_verify_code, editable=False
    )
    kind = models.CharField(_("证书类型"), max_length=20, choices=Kind.choices)
    template = models.ForeignKey(
        CertificateTemplate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
        verbose_name=_("模板"),
    )
    officer = models.ForeignKey(
        "people.Officer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("持证人"),
    )
    unit = models.ForeignKey(
        "people.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("单位"),
        help_text=_("持证人当时所在单位；优秀组织奖颁给单位本身。"),
    )
    title = models.CharField(_("证明事项"), max_length=200)
    # The placeholder values as printed: a re-render or a re-issue reproduces the document
    # even after the officer changes unit or the course is renamed.
    data = models.JSONField(_("证书数据"), default=dict, blank=True)
    source_type = models.CharField(_("来源类型"), max_length=16, choices=Source.choices)
    source_id = models.CharField(_("来源编号"), max_length=64, blank=True)
    issued_at = models.DateTimeField(_("颁发时间"), default=timezone.now, db_index=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("颁发人"),
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.VALID, db_index=True
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("撤销人"),
    )
    revoke_reason = models.CharField(_("撤销理由"), max_length=200, blank=True)
    superseded_by = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
        verbose_name=_("新证书"),
    )
    pdf = models.FileField(
        _("PDF"),
        upload_to="certificates/%Y/",
        storage=private_storage,
        blank=True,
        max_length=200,
    )
    rendered_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    # The bulk job that issued it: a resumed job skips the recipients it already covered.
    bulk_job = models.ForeignKey(
        "certificates.BulkIssueJob",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
        verbose_name=_("批量颁发任务"),
    )

    class Meta:
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(fields=["officer", "status"], name="cert_officer_status"),
            models.Index(fields=["source_type", "source_id"], name="cert_source"),
        ]
        constraints = [
            # Automatic issue is idempotent: one valid certificate per officer and source.
            models.UniqueConstraint(
                fields=["officer", "kind", "source_type", "source_id"],
                condition=Q(status="valid") & ~Q(source_id=""),
                name="cert_one_valid_per_source",
            ),
        ]
        verbose_name = _("证书")
        verbose_name_plural = _("证书")

    def __str__(self):
        return f"{self.serial} {self.holder_name}"

    @property
    def holder_name(self) -> str:
        return self.data.get("name") or (self.unit.name if self.unit_id else "")

    @property
    def is_valid(self) -> bool:
        return self.status == self.Status.VALID


class SerialCounter(models.Model):
    """The last serial number used in a year; locked while numbers are handed out."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("证书编号计数")
        verbose_name_plural = _("证书编号计数")

    def __str__(self):
        return f"{self.year}: {self.last}"


class BulkIssueJob(models.Model):
    """A bulk issue running on the task worker; the progress page polls it.

    The worker that runs the job beats `heartbeat_at` after each step. A job queued or
    running whose heartbeat is older than CERTIFICATE_JOB_STALL_SECONDS is stalled (its
    worker died or none is running): the progress page stops polling and offers HR to
    resume it, which issues only the recipients still missing. `runs` counts the starts
    and is the running worker's lease: a worker whose run is no longer current stops.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    template = models.ForeignKey(
        CertificateTemplate, on_delete=models.PROTECT, related_name="+", verbose_name=_("模板")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # [{"officer_id": 1, "unit_id": null, "fields": {...}}, ...]: who gets what.
    recipients = models.JSONField(default=list)
    source_type = models.CharField(max_length=16, choices=Source.choices, default=Source.MANUAL)
    source_id = models.CharField(max_length=64, blank=True)
    title = models.CharField(_("证明事项"), max_length=200)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    runs = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("批量颁发任务")
        verbose_name_plural = _("批量颁发任务")

    def __str__(self):
        return f"{self.title} ({self.done}/{self.total})"

    @staticmethod
    def stall_seconds() -> int:
        return int(getattr(settings, "CERTIFICATE_JOB_STALL_SECONDS", 300))

    @property
    def is_stalled(self) -> bool:
        if self.state not in (self.State.QUEUED, self.State.RUNNING):
            return False
        last = self.heartbeat_at or self.created_at
        return (timezone.now() - last).total_seconds() > self.stall_seconds()

    @property
    def stall_minutes(self) -> int:
        return max(1, -(-self.stall_seconds() // 60))

    @property
    def in_progress(self) -> bool:
        """Queued or running and not stalled: what the progress page keeps polling."""
        return self.state in (self.State.QUEUED, self.State.RUNNING) and not self.is_stalled

    @property
    def can_resume(self) -> bool:
        return self.is_stalled or self.state == self.State.FAILED

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100
