"""The question bank: a category tree, questions in six kinds, and frozen versions.

A question's content is stored the way trainers write it in the Excel template: `options`
is the list of option texts (A, B, …) and `answer` the key in the template's notation —
"B" (单选), "ACD" (多选), "对"/"错" (判断), "十五日|15日；罚款" (填空: blanks separated by
"；", accepted alternatives by "|"), the reference answer (简答). `quizzes.services.keys`
parses and validates it. Attempts never read the live question: they hold a
`QuestionVersion`, the frozen payload the officer was given.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from treebeard.mp_tree import MP_Node
from wagtail.models import Orderable, PreviewableMixin

__all__ = [
    "Category",
    "Kind",
    "Difficulty",
    "QuestionContent",
    "Question",
    "QuestionTag",
    "CasePart",
    "QuestionVersion",
]


class Kind(models.TextChoices):
    SINGLE = "single", _("单选")
    MULTIPLE = "multiple", _("多选")
    TRUE_FALSE = "truefalse", _("判断")
    FILL = "fill", _("填空")
    SHORT = "short", _("简答")
    CASE = "case", _("案例分析")


# Kinds a case scenario's sub-questions may have (no case inside a case).
PART_KINDS = [choice for choice in Kind.choices if choice[0] != Kind.CASE]
# Graded by a trainer against the rubric; everything else is graded at once.
MANUAL_KINDS = frozenset({Kind.SHORT, Kind.CASE})


class Difficulty(models.IntegerChoices):
    EASY = 1, _("易")
    MEDIUM = 2, _("中")
    HARD = 3, _("难")


class Category(MP_Node):
    """A folder of the bank: by regulation, domain, or whatever trainers find useful."""

    name = models.CharField(_("名称"), max_length=100)
    order = models.PositiveIntegerField(_("排序"), default=0)

    node_order_by = ["order", "name"]

    class Meta:
        verbose_name = _("题库分类")
        verbose_name_plural = _("题库分类")

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        """ "行政处罚法 / 罚款" — the path from the top, the way imports and exports name it."""
        names = [node.name for node in self.get_ancestors()] + [self.name]
        return " / ".join(names)


class QuestionContent(models.Model):
    """What a question or a case sub-question says, and its key."""

    kind = models.CharField(_("题型"), max_length=16, choices=Kind.choices, default=Kind.SINGLE)
    stem = models.TextField(_("题干"))
    options = models.JSONField(_("选项"), default=list, blank=True)
    answer = models.TextField(_("答案"), blank=True)
    explanation = models.TextField(_("解析"), blank=True)
    rubric = models.TextField(_("评分要点"), blank=True)
    points = models.DecimalField(_("分值"), max_digits=5, decimal_places=1, default=Decimal("1"))

    class Meta:
        abstract = True


class Question(PreviewableMixin, ClusterableModel, QuestionContent):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ACTIVE = "active", _("启用")
        NEEDS_REVIEW = "needs_review", _("待复核")

    class Source(models.TextChoices):
        MANUAL = "manual", _("手工录入")
        IMPORT = "import", _("文件导入")
        DRAFTED = "drafted", _("由条文生成")

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="questions", verbose_name=_("分类")
    )
    difficulty = models.PositiveSmallIntegerField(
        _("难度"), choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    tags = ClusterTaggableManager(through="quizzes.QuestionTag", blank=True, verbose_name=_("标签"))
    cited_articles = ParentalManyToManyField(
        "courses.Article", blank=True, related_name="questions", verbose_name=_("法条依据")
    )
    source = models.CharField(
        _("来源"), max_length=16, choices=Source.choices, default=Source.MANUAL
    )
    current_version = models.ForeignKey(
        "QuestionVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        ordering = ["category_id", "id"]
        verbose_name = _("试题")
        verbose_name_plural = _("试题")
        indexes = [models.Index(fields=["category", "kind", "difficulty", "status"])]

    def __str__(self):
        stem = " ".join(self.stem.split())
        return f"[{self.get_kind_display()}] {stem[:40]}"

    @property
    def is_manually_graded(self) -> bool:
        return self.kind in MANUAL_KINDS

    def get_preview_template(self, request, mode_name):
        return "quizzes/admin/question_preview.html"

    def get_preview_context(self, request, mode_name):
        """The question as an officer's paper shows it, then what the review reveals."""
        from quizzes.services.payload import question_payload
        from quizzes.services.presentation import question_for_page, review_for_page

        payload = question_payload(self, articles=list(self.cited_articles.all()), tags=[])
        context = super().get_preview_context(request, mode_name)
        context["question"] = question_for_page(payload, [], None, name="preview")
        try:
            context["review"] = review_for_page(payload, [], None, answers=True, explanations=True)
        except ValueError:  # an unfinished key: the form shows the problem
            context["review"] = None
        return context


class QuestionTag(TaggedItemBase):
    content_object = ParentalKey(Question, on_delete=models.CASCADE, related_name="tagged_items")


class CasePart(Orderable, QuestionContent):
    """A sub-question of a 案例分析 question, in the scenario's order."""

    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="parts")

    class Meta(Orderable.Meta):
        verbose_name = _("小题")
        verbose_name_plural = _("小题")

    def __str__(self):
        return f"[{self.get_kind_display()}] {self.stem[:40]}"


class QuestionVersion(models.Model):
    """A question as it was when an attempt drew it; never changed once written.

    `payload` is `quizzes.services.payload.question_payload(question)`; a new version is
    written only when that payload changes.
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    payload = models.JSONField()
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["question_id", "number"]
        verbose_name = _("试题版本")
        verbose_name_plural = _("试题版本")
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="quizzes_version_unique")
        ]

    def __str__(self):
        return f"{self.question_id} v{self.number}"
