"""Wagtail pages for courses: an index, courses (one per regulation or topic) and lessons."""

from django.conf import settings
from django.db import models
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from courses.blocks import LessonStreamBlock
from lianbing.content_cache import CachedRouteMixin, content_stamp


class LoginRequiredPageMixin:
    """Course content is for logged-in users: progress and notes belong to someone."""

    def serve(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        return super().serve(request, *args, **kwargs)


class TypedChildRouteMixin:
    """Route to children of the one page type this page holds in a single query.

    Wagtail's Page.route reads the child as a plain Page and then again as its specific
    class; the course tree allows one child type per level, so the child is read as that
    class directly. Anything else (another type, no such slug) falls back to Wagtail.
    """

    child_page_model_name = ""

    def route(self, request, path_components):
        if path_components:
            from django.apps import apps

            model = apps.get_model("courses", self.child_page_model_name)
            subpage = model.objects.child_of(self).filter(slug=path_components[0]).first()
            if subpage is not None and subpage.specific_class is model:
                subpage._cached_parent_obj = self
                return subpage.route(request, path_components[1:])
        return super().route(request, path_components)


class CourseIndexPage(CachedRouteMixin, TypedChildRouteMixin, LoginRequiredPageMixin, Page):
    intro = models.CharField(_("导语"), max_length=250, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["lianbing.HomePage"]
    subpage_types = ["courses.CoursePage"]
    child_page_model_name = "CoursePage"
    max_count = 1
    template = "courses/course_index_page.html"

    class Meta:
        verbose_name = _("课程中心")
        verbose_name_plural = _("课程中心")

    def courses(self):
        return (
            CoursePage.objects.live()
            .child_of(self)
            .select_related("cover_image", "regulation")
            .prefetch_related("domains")
            .order_by("path")
        )


class CoursePage(CachedRouteMixin, TypedChildRouteMixin, LoginRequiredPageMixin, Page):
    class CompletionRule(models.TextChoices):
        ALL_LESSONS = "all_lessons", _("完成全部课时")
        PERCENT = "percent", _("完成一定比例的课时")

    summary = RichTextField(_("课程简介"), blank=True, features=["bold", "italic", "ol", "ul"])
    regulation = models.ForeignKey(
        "courses.Regulation",
        verbose_name=_("对应法规"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="courses",
    )
    domains = ParentalManyToManyField(
        "people.Domain", blank=True, related_name="courses", verbose_name=_("执法领域")
    )
    credit_hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1, default=2)
    audience = models.CharField(_("培训对象"), max_length=200, blank=True)
    trainers = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="taught_courses",
        verbose_name=_("授课教员"),
        limit_choices_to={"groups__name": "教员"},
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("封面图"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    completion_rule = models.CharField(
        _("结业规则"),
        max_length=20,
        choices=CompletionRule.choices,
        default=CompletionRule.ALL_LESSONS,
    )
    completion_percent = models.PositiveSmallIntegerField(
        _("须完成的课时比例（%）"), default=100, help_text=_("仅在“完成一定比例的课时”时使用。")
    )
    min_study_minutes = models.PositiveIntegerField(
        _("最少学习时长（分钟）"), default=0, help_text=_("0 表示不要求。")
    )
    self_enrollment = models.BooleanField(_("允许学员自行报名"), default=True)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        MultiFieldPanel(
            [
                FieldPanel("regulation"),
                FieldPanel("domains"),
                FieldPanel("audience"),
                FieldPanel("trainers"),
                FieldPanel("credit_hours"),
            ],
            heading=_("课程信息"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("completion_rule"),
                FieldPanel("completion_percent"),
                FieldPanel("min_study_minutes"),
                FieldPanel("self_enrollment"),
            ],
            heading=_("结业"),
        ),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("audience"),
    ]

    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]
    child_page_model_name = "LessonPage"
    template = "courses/course_page.html"

    class Meta:
        verbose_name = _("课程")
        verbose_name_plural = _("课程")

    def lessons(self):
        return LessonPage.objects.live().child_of(self).order_by("path")


class LessonPage(CachedRouteMixin, LoginRequiredPageMixin, Page):
    summary = models.CharField(_("本课提要"), max_length=300, blank=True)
    estimated_minutes = models.PositiveIntegerField(_("建议学习时长（分钟）"), default=20)
    body = StreamField(LessonStreamBlock(), blank=True, verbose_name=_("正文"))
    # Kept in step with the body on every save, so amendments can find citing lessons.
    cited_articles = models.ManyToManyField(
        "courses.Article", blank=True, related_name="citing_lessons", editable=False
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("estimated_minutes"),
        FieldPanel("body"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]

    parent_page_types = ["courses.CoursePage"]
    subpage_types = []
    template = "courses/lesson_page.html"
    route_cache_defer = ("body",)  # rendered inside the template's fragment cache

    class Meta:
        verbose_name = _("课时")
        verbose_name_plural = _("课时")

    def article_ids(self) -> list[int]:
        """The ids of every article the body cites, in order of appearance."""
        ids = []
        for block in self.body:
            if block.block_type == "articles":
                ids.extend(article.pk for article in block.value["articles"] if article)
        return ids

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.cited_articles.set(set(self.article_ids()))

    def body_cache_key(self, request=None) -> str:
        """Changes whenever the rendered body would: a new page revision, another language,
        or any change of content, such as a new current revision of a cited regulation."""
        published = self.last_published_at.timestamp() if self.last_published_at else 0
        stamp = content_stamp(request)
        return f"{self.pk}:{self.latest_revision_id}:{published}:{get_language()}:{stamp}"

    def get_context(self, request, *args, **kwargs):
        """The same for every reader: the officer's own progress, note and enrolment prompt
        come from courses:lesson_panel once the page has loaded (see the template)."""
        from courses.services.articles import current_versions
        from courses.services.progress import lesson_outline

        context = super().get_context(request, *args, **kwargs)
        context["body_cache_key"] = self.body_cache_key(request)
        # Resolved only when the cached body is missing and the blocks render.
        context["current_articles"] = SimpleLazyObject(lambda: current_versions(self.article_ids()))
        # Course and neighbours, read only when the cached head or bar must be rendered.
        context["outline"] = SimpleLazyObject(lambda: lesson_outline(lesson=self, request=request))
        return context


__all__ = ["CourseIndexPage", "CoursePage", "LessonPage"]
