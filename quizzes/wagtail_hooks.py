"""Wagtail admin wiring for the question bank, quizzes, grading and proctoring."""

from django.db.models import Count
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from courses.models import ReviewFlag
from lianbing.admin_helpers import PermissionMenuItem
from quizzes import admin_grading_views
from quizzes.admin_draft_views import article_draft_button
from quizzes.admin_forms import OPTION_FIELDS, CasePartForm, CategoryForm, QuestionForm
from quizzes.models import Category, Question, Quiz
from quizzes.services.bank import freeze


class CasePartsPanel(InlinePanel):
    """Sub-questions use the same 选项A…H form and checks as questions."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["form"] = CasePartForm
        return options


CONTENT_PANELS = [
    FieldRowPanel([FieldPanel("kind"), FieldPanel("points")]),
    FieldPanel("stem"),
    MultiFieldPanel(
        [FieldPanel(name) for name in OPTION_FIELDS],
        heading=_("选项（单选、多选题填写）"),
    ),
    FieldPanel(
        "answer",
        help_text=_(
            "单选“B”；多选“ACD”；判断“对/错”；填空每空用“；”分隔、同一空的多个答案用“|”分隔；简答填参考答案。"
        ),
    ),
    FieldPanel("explanation"),
    FieldPanel("rubric"),
]


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "folder-open-inverse"
    menu_label = _("题库分类")
    list_display = ["full_name", Column("question_count", label=_("试题数"))]
    copy_view_enabled = False
    search_fields = ["name"]
    search_backend_name = None

    edit_handler = ObjectList(
        [FieldPanel("name"), FieldPanel("parent"), FieldPanel("order")],
        base_form_class=CategoryForm,
    )

    def get_queryset(self, request):
        return Category.objects.annotate(question_count=Count("questions")).order_by("path")


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("试题")
    list_display = ["__str__", "category", "difficulty", "status", "updated_at"]
    list_filter = ["kind", "status", "difficulty", "category", "source"]
    search_fields = ["stem"]
    search_backend_name = None
    list_per_page = 50
    ordering = ["-updated_at"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("category"), FieldPanel("status")]),
            *CONTENT_PANELS,
            CasePartsPanel(
                "parts", heading=_("案例分析小题"), label=_("小题"), panels=CONTENT_PANELS
            ),
            FieldRowPanel([FieldPanel("difficulty"), FieldPanel("tags")]),
            FieldPanel("citations"),
        ],
        base_form_class=QuestionForm,
    )

    def get_queryset(self, request):
        return Question.objects.select_related("category")


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "list-ol"
    menu_label = _("考试与练习")
    list_display = [
        "title",
        "mode",
        "live",
        "opens_at",
        "closes_at",
        Column("attempt_count", label=_("答卷数")),
    ]
    list_filter = ["mode", "live"]
    search_fields = ["title"]
    search_backend_name = None
    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("mode"), FieldPanel("live")]),
        FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
        FieldRowPanel([FieldPanel("time_limit_minutes"), FieldPanel("attempts_allowed")]),
        FieldRowPanel([FieldPanel("grading_method"), FieldPanel("pass_percent")]),
        FieldRowPanel(
            [
                FieldPanel("shuffle_questions"),
                FieldPanel("shuffle_options"),
                FieldPanel("multiple_scoring"),
            ]
        ),
        MultiFieldPanel(
            [FieldPanel("show_score"), FieldPanel("show_answers"), FieldPanel("show_explanations")],
            heading=_("成绩与答案公布"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("audience_everyone"),
                FieldPanel("audience_units"),
                FieldPanel("audience_domains"),
            ],
            heading=_("参加范围"),
        ),
        MultiFieldPanel(
            [FieldPanel("course"), FieldPanel("required_for_completion")], heading=_("课程结业")
        ),
        FieldRowPanel(
            [FieldPanel("credit_hours"), FieldPanel("credit_requires_pass")], heading=_("培训学时")
        ),
        InlinePanel("fixed_questions", heading=_("固定试题"), label=_("试题")),
        InlinePanel("draw_rules", heading=_("随机抽题规则"), label=_("规则")),
    ]

    def get_queryset(self, request):
        return Quiz.objects.annotate(attempt_count=Count("attempts"))


class QuizGroup(SnippetViewSetGroup):
    menu_label = _("题库与考试")
    menu_icon = "help"
    menu_order = 210
    items = (QuestionViewSet, CategoryViewSet, QuizViewSet)
    submenu_hook = "register_quiz_menu_item"


register_snippet(QuizGroup)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def freeze_saved_question(request, instance):
    """Attempts draw frozen versions: write one whenever a question's content changes."""
    if not isinstance(instance, Question):
        return
    if instance.created_by_id is None and request.user.is_authenticated:
        Question.objects.filter(pk=instance.pk).update(created_by=request.user)
    freeze(instance)
    if instance.status == Question.Status.ACTIVE:
        # Setting a flagged question active is the trainer's "reviewed".
        for flag in ReviewFlag.objects.for_object(instance).open():
            flag.resolve(request.user)


class GradingMenuItem(PermissionMenuItem):
    def render_component(self, request):
        component = super().render_component(request)
        count = admin_grading_views.pending_items().count()
        if count:
            component.label = f"{self.label}（{count}）"
        return component


@hooks.register("register_quiz_menu_item")
def grading_menu_item():
    return GradingMenuItem(
        _("阅卷"),
        reverse("quiz_admin:grading"),
        name="grading",
        icon_name="edit",
        order=10,
        permission="quizzes.change_attempt",
    )


class MonitorMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_grading_views.may_monitor(request.user)


@hooks.register("register_quiz_menu_item")
def proctor_menu_item():
    return MonitorMenuItem(
        _("考试监控与分析"),
        reverse("quiz_admin:quizzes"),
        name="quiz-monitor",
        icon_name="view",
        order=20,
    )


admin_urlpatterns = [
    path("grading/", admin_grading_views.GradingQueueView.as_view(), name="grading"),
    path("grading/<int:item_id>/", admin_grading_views.GradeItemView.as_view(), name="grade"),
    path("monitor/", admin_grading_views.QuizMonitorListView.as_view(), name="quizzes"),
    path("monitor/<int:quiz_id>/", admin_grading_views.ProctorView.as_view(), name="proctor"),
]


@hooks.register("register_admin_urls")
def register_quiz_admin_urls():
    return [
        path("quizzes/", include((admin_urlpatterns, "quiz_admin"))),
        path("quizzes/analysis/", include("quizzes.admin_analysis_urls")),
        path("quizzes/draft/", include("quizzes.admin_draft_urls")),
        path("questions/transfer/", include("quizzes.admin_import_urls")),
    ]


@hooks.register("register_quiz_menu_item")
def import_menu_item():
    return PermissionMenuItem(
        _("导入试题"),
        reverse("question_io:import"),
        name="question-import",
        icon_name="upload",
        order=40,
        permission="quizzes.add_question",
    )


@hooks.register("register_quiz_menu_item")
def export_menu_item():
    return PermissionMenuItem(
        _("导出试题"),
        reverse("question_io:export"),
        name="question-export",
        icon_name="download",
        order=50,
        permission="quizzes.view_question",
    )


@hooks.register("register_article_buttons")
def draft_questions_button(user, article):
    return article_draft_button(user, article)


@hooks.register("register_quiz_menu_item")
def draft_menu_item():
    return PermissionMenuItem(
        _("由条文生成试题"),
        reverse("quiz_drafting:draft"),
        name="draft-from-article",
        icon_name="doc-full",
        order=30,
        permission="quizzes.add_question",
    )
