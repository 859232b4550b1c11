"""The regulation library: regulations, their revisions and the articles lessons cite.

Data, not pages: course pages and questions cite `Article` rows, and an amendment is a new
`Revision` whose `ArticleChange` rows say what became of every article of the previous one.
"""

import re

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = [
    "Regulation",
    "Revision",
    "Chapter",
    "Section",
    "Article",
    "ArticleChange",
    "ReviewFlag",
    "kind_for_title",
]

_PROVINCE = re.compile(
    "^(北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南"
    "|广东|海南|四川|贵州|云南|陕西|甘肃|青海|内蒙古|广西|西藏|宁夏|新疆|香港|澳门)"
)
# `…市…条例` is local; `文化市场…` is not, hence the look-ahead.
_LOCAL_PREFIX = re.compile(r"^[\u4e00-\u9fff]{2,6}?(省|自治区|自治州|市(?!场))")


class Regulation(models.Model):
    class Kind(models.TextChoices):
        LAW = "law", _("法律")
        ADMINISTRATIVE = "administrative_regulation", _("行政法规")
        DEPARTMENTAL = "departmental_rule", _("部门规章")
        LOCAL = "local_regulation", _("地方性法规")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        CURRENT = "current", _("现行有效")
        AMENDED = "amended", _("已修订")
        REPEALED = "repealed", _("已废止")

    title = models.CharField(_("名称"), max_length=200, unique=True)
    slug = models.SlugField(_("代码"), max_length=200, unique=True, allow_unicode=True)
    kind = models.CharField(_("效力级别"), max_length=32, choices=Kind.choices, default=Kind.OTHER)
    issuing_body = models.CharField(_("制定机关"), max_length=100, blank=True)
    status = models.CharField(
        _("时效性"), max_length=16, choices=Status.choices, default=Status.CURRENT
    )
    current_revision = models.ForeignKey(
        "Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("现行文本"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        ordering = ["title"]
        verbose_name = _("法规")
        verbose_name_plural = _("法规")

    def __str__(self):
        return self.title

    @property
    def revision_date(self):
        return self.current_revision.revision_date if self.current_revision else None

    @property
    def effective_date(self):
        return self.current_revision.effective_date if self.current_revision else None


def kind_for_title(title: str) -> str:
    """A first guess from the name; an administrator can correct it."""
    if _PROVINCE.match(title) or _LOCAL_PREFIX.match(title):
        return Regulation.Kind.LOCAL if title.endswith("条例") else Regulation.Kind.OTHER
    if title.endswith("法"):
        return Regulation.Kind.LAW
    if title.endswith("条例"):
        return Regulation.Kind.ADMINISTRATIVE
    if title.endswith(("规定", "办法", "细则")):
        return Regulation.Kind.DEPARTMENTAL
    return Regulation.Kind.OTHER


class Revision(models.Model):
    """One text of a regulation, identified by the date of its latest amendment."""

    regulation = models.ForeignKey(
        Regulation, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("法规")
    )
    revision_date = models.DateField(_("修订日期"))
    effective_date = models.DateField(_("施行日期"), null=True, blank=True)
    header = models.TextField(_("题注"), blank=True)
    source_name = models.CharField(_("导入文件"), max_length=255, blank=True)
    source_note = models.CharField(_("来源"), max_length=255, blank=True)
    status_line = models.CharField(_("来源标注的状态"), max_length=50, blank=True)
    content_hash = models.CharField(_("内容摘要"), max_length=64)
    imported_at = models.DateTimeField(_("导入时间"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("导入人"),
    )

    class Meta:
        ordering = ["regulation_id", "revision_date"]
        verbose_name = _("法规文本")
        verbose_name_plural = _("法规文本")
        constraints = [
            models.UniqueConstraint(
                fields=["regulation", "content_hash"], name="courses_revision_unique_content"
            ),
            models.UniqueConstraint(
                fields=["regulation", "revision_date"], name="courses_revision_unique_date"
            ),
        ]

    def __str__(self):
        return f"{self.regulation.title}（{self.revision_date:%Y-%m-%d}）"

    @property
    def header_lines(self) -> list[str]:
        return self.header.splitlines()

    @property
    def is_current(self) -> bool:
        return self.regulation.current_revision_id == self.pk

    def previous(self):
        return (
            Revision.objects.filter(
                regulation_id=self.regulation_id, revision_date__lt=self.revision_date
            )
            .order_by("-revision_date")
            .first()
        )

    def next(self):
        return (
            Revision.objects.filter(
                regulation_id=self.regulation_id, revision_date__gt=self.revision_date
            )
            .order_by("revision_date")
            .first()
        )


class Chapter(models.Model):
    revision = models.ForeignKey(
        Revision, on_delete=models.CASCADE, related_name="chapters", verbose_name=_("法规文本")
    )
    number = models.PositiveSmallIntegerField(_("章号"))
    title = models.CharField(_("章名"), max_length=100, blank=True)
    # copyright-law.md has no 第一章 heading; the chapter exists but was not in the text.
    implied = models.BooleanField(_("原文缺少章标题"), default=False)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["revision_id", "order"]
        verbose_name = _("章")
        verbose_name_plural = _("章")
        constraints = [
            models.UniqueConstraint(fields=["revision", "number"], name="courses_chapter_unique")
        ]

    def __str__(self):
        from courses.services.chinese_numerals import int_to_chinese

        return f"第{int_to_chinese(self.number)}章 {self.title}".strip()


class Section(models.Model):
    chapter = models.ForeignKey(
        Chapter, on_delete=models.CASCADE, related_name="sections", verbose_name=_("章")
    )
    number = models.PositiveSmallIntegerField(_("节号"))
    title = models.CharField(_("节名"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["chapter_id", "order"]
        verbose_name = _("节")
        verbose_name_plural = _("节")
        constraints = [
            models.UniqueConstraint(fields=["chapter", "number"], name="courses_section_unique")
        ]

    def __str__(self):
        from courses.services.chinese_numerals import int_to_chinese

        return f"第{int_to_chinese(self.number)}节 {self.title}".strip()


class Article(models.Model):
    """An article (条) of one revision. `paragraphs` holds its 款 and their 项:

    [{"text": "…", "items": [{"label": "（一）", "text": "…"}]}]
    """

    revision = models.ForeignKey(
        Revision, on_delete=models.CASCADE, related_name="articles", verbose_name=_("法规文本")
    )
    chapter = models.ForeignKey(
        Chapter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("章"),
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("节"),
    )
    number = models.PositiveIntegerField(_("条号"))
    sub_number = models.PositiveSmallIntegerField(
        _("之几"), default=0, help_text=_("第十二条之一为 1，普通条文为 0。")
    )
    display = models.CharField(_("条文编号"), max_length=40)
    paragraphs = models.JSONField(_("款项"), default=list)
    text = models.TextField(_("条文内容"))
    position = models.PositiveIntegerField(_("顺序"))

    class Meta:
        ordering = ["revision_id", "position"]
        verbose_name = _("条文")
        verbose_name_plural = _("条文")
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "number", "sub_number"], name="courses_article_unique"
            )
        ]

    def __str__(self):
        return f"{self.revision.regulation.title}{self.display}"

    @property
    def key(self) -> str:
        """The article's key, "12" or "12-1" (第十二条之一): stable in URLs and citations."""
        return f"{self.number}-{self.sub_number}" if self.sub_number else str(self.number)

    def current(self) -> "Article | None":
        """This article as it reads in the regulation's current revision; None if removed."""
        target = self.revision.regulation.current_revision_id
        article = self
        # Each step moves to a later revision, so the loop ends within the revision count.
        for _step in range(self.revision.regulation.revisions.count()):
            if article is None or article.revision_id == target:
                return article
            change = (
                ArticleChange.objects.filter(old_article=article)
                .select_related("new_article")
                .order_by("to_revision__revision_date")
                .first()
            )
            article = change.new_article if change else None
        return article if article is not None and article.revision_id == target else None


class ArticleChange(models.Model):
    """What became of one article between two consecutive revisions.

    A renumbered article whose wording also changed is `renumbered` with `text_changed`.
    """

    class Kind(models.TextChoices):
        UNCHANGED = "unchanged", _("未修改")
        CHANGED = "changed", _("已修改")
        ADDED = "added", _("新增")
        REMOVED = "removed", _("删除")
        RENUMBERED = "renumbered", _("条号变动")

    regulation = models.ForeignKey(
        Regulation, on_delete=models.CASCADE, related_name="article_changes"
    )
    from_revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="+")
    to_revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("变化"), max_length=16, choices=Kind.choices)
    old_article = models.ForeignKey(
        Article, on_delete=models.CASCADE, null=True, blank=True, related_name="changes_from"
    )
    new_article = models.ForeignKey(
        Article, on_delete=models.CASCADE, null=True, blank=True, related_name="changes_to"
    )
    similarity = models.FloatField(_("相似度"), default=0.0)
    text_changed = models.BooleanField(_("文字有变化"), default=False)

    NEEDS_REVIEW = (Kind.CHANGED, Kind.REMOVED, Kind.RENUMBERED)

    class Meta:
        ordering = ["to_revision_id", "id"]
        verbose_name = _("条文变化")
        verbose_name_plural = _("条文变化")
        indexes = [models.Index(fields=["from_revision", "to_revision"])]

    def __str__(self):
        old = self.old_article.display if self.old_article else "—"
        new = self.new_article.display if self.new_article else "—"
        return f"{self.get_kind_display()}：{old} → {new}"


class ReviewFlagQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)

    def for_object(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


class ReviewFlag(models.Model):
    """A "needs review" mark: an object (lesson, question…) cites an amended article."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="review_flags", verbose_name=_("原条文")
    )
    change = models.ForeignKey(
        ArticleChange,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="review_flags",
        verbose_name=_("条文变化"),
    )
    reason = models.CharField(_("原因"), max_length=200)
    created_at = models.DateTimeField(_("标记时间"), default=timezone.now)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )

    objects = ReviewFlagQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("待复核标记")
        verbose_name_plural = _("待复核标记")
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "article"], name="courses_reviewflag_unique"
            )
        ]

    def __str__(self):
        return self.reason

    def resolve(self, user):
        self.resolved_at = timezone.now()
        self.resolved_by = user if getattr(user, "is_authenticated", False) else None
        self.save(update_fields=["resolved_at", "resolved_by"])
