"""Wagtail admin wiring for the regulation library: snippets, menu, admin URLs, home panel.

Articles are read-only in the admin: their text only changes by importing a revision, which
also records what changed and flags the lessons that need review. They stay choosable, so
lesson bodies can cite them through SnippetChooserBlock("courses.Article").
"""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Count, F, OuterRef, Subquery
from django.urls import include, path, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from wagtail import hooks
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views.snippets import (
    IndexView,
    InspectView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from courses import admin_views
from courses.models import Article, Regulation, ReviewFlag, Revision
from courses.services.search import filter_articles
from lianbing.admin_helpers import PermissionMenuItem


class ImportedOnlyPolicy(ModelPermissionPolicy):
    """Nobody adds, edits or deletes articles in the admin, not even a superuser."""

    IMPORT_ONLY = frozenset({"add", "change", "delete"})

    def user_has_permission(self, user, action):
        return action not in self.IMPORT_ONLY and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        allowed = [action for action in actions if action not in self.IMPORT_ONLY]
        if not allowed:
            return get_user_model().objects.none()
        return super().users_with_any_permission(allowed)


# Must precede anything asking for Article's policy (the snippet registration below does).
register_permission_policy(Article, ImportedOnlyPolicy(Article))


def _current_only(queryset):
    return queryset.filter(revision__regulation__current_revision=F("revision"))


# --- Regulations ------------------------------------------------------------------------


class RegulationIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        return buttons + regulation_buttons(self.request.user, instance)


class RegulationInspectView(InspectView):
    template_name = "courses/admin/regulation_inspect.html"

    @property
    def header_more_buttons(self):
        return super().header_more_buttons + regulation_buttons(self.request.user, self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        previous = Revision.objects.filter(
            regulation_id=OuterRef("regulation_id"), revision_date__lt=OuterRef("revision_date")
        ).order_by("-revision_date")
        context["revisions"] = (
            self.object.revisions.select_related("imported_by")
            .annotate(
                article_count=Count("articles", distinct=True),
                chapter_count=Count("chapters", distinct=True),
                previous_id=Subquery(previous.values("pk")[:1]),
            )
            .order_by("-revision_date")
        )
        return context


def regulation_buttons(user, regulation) -> list[Button]:
    buttons = []
    if not user.has_perm("courses.view_regulation"):
        return buttons
    revision_count = getattr(regulation, "revision_count", None)
    if revision_count is None:
        revision_count = regulation.revisions.count()
    if revision_count > 1:
        buttons.append(
            Button(
                _("修订对比"),
                url=reverse("regulation_admin:diff", args=[regulation.pk]),
                icon_name="history",
                priority=40,
            )
        )
    if regulation.current_revision_id:
        buttons.append(
            Button(
                _("由法规生成课程"),
                url=reverse("regulation_admin:create_course") + f"?regulation={regulation.pk}",
                icon_name="doc-empty-inverse",
                priority=41,
            )
        )
    return buttons


class RegulationViewSet(SnippetViewSet):
    model = Regulation
    icon = "doc-full-inverse"
    menu_label = _("法规")
    list_display = ["title", "kind", "issuing_body", "status", "revision_date"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]
    search_backend_name = None  # plain database search: works for Chinese without tokens
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = RegulationIndexView
    inspect_view_class = RegulationInspectView
    # The title is how an imported text finds its regulation: it is not edited here.
    panels = [
        FieldPanel("title", read_only=True),
        FieldPanel("kind"),
        FieldPanel("issuing_body"),
        FieldPanel("status"),
    ]

    def get_queryset(self, request):
        return Regulation.objects.select_related("current_revision").annotate(
            revision_count=Count("revisions")
        )

    def get_urlpatterns(self):
        # A regulation is created by importing its text: "add" leads to the upload page.
        patterns = [pattern for pattern in super().get_urlpatterns() if pattern.name != "add"]
        redirect_to_import = RedirectView.as_view(pattern_name="regulation_admin:import")
        return patterns + [path("add/", redirect_to_import, name="add")]


# --- Articles ---------------------------------------------------------------------------


class ArticleFilterSet(WagtailFilterSet):
    regulation = django_filters.ModelChoiceFilter(
        field_name="revision__regulation", queryset=Regulation.objects.all(), label=_("法规")
    )
    revisions = django_filters.ChoiceFilter(
        label=_("文本"),
        choices=[("all", _("包括历史文本"))],
        empty_label=_("仅现行文本"),
        method="filter_revisions",
    )

    class Meta:
        model = Article
        fields = []

    def filter_revisions(self, queryset, name, value):
        return queryset  # "all"; the default is applied in filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("revisions") != "all":
            queryset = _current_only(queryset)
        return queryset


class ArticleIndexView(IndexView):
    def search_queryset(self, queryset):
        # The same multi-term, article-number-aware search officers use.
        return filter_articles(queryset, self.search_query) if self.is_searching else queryset


class ArticleChooserFilterForm(BaseFilterForm):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("关键词或条号，如：未成年人 第二十一条")}),
    )
    regulation = forms.ModelChoiceField(
        label=_("法规"),
        queryset=Regulation.objects.filter(current_revision__isnull=False),
        required=False,
        empty_label=_("全部法规"),
        widget=forms.Select(attrs={"data-chooser-modal-search-filter": True}),
    )
    all_revisions = forms.BooleanField(
        label=_("包括历史文本"),
        required=False,
        widget=forms.CheckboxInput(attrs={"data-chooser-modal-search-filter": True}),
    )

    def filter(self, objects):
        if not self.cleaned_data.get("all_revisions"):
            objects = _current_only(objects)
        if regulation := self.cleaned_data.get("regulation"):
            objects = objects.filter(revision__regulation=regulation)
        if query := self.cleaned_data.get("q"):
            objects = filter_articles(objects, query)
            self.is_searching, self.search_query = True, query
        return objects


class ArticleChooseMixin:
    filter_form_class = ArticleChooserFilterForm
    per_page = 20

    def get_object_list(self):
        return Article.objects.select_related("revision__regulation")

    @property
    def columns(self):
        return super().columns + [
            Column("excerpt", label=_("内容"), accessor=lambda a: Truncator(a.text).chars(60)),
            # Tells apart the same article in two texts when history is included.
            Column("revision", label=_("文本"), accessor=lambda a: a.revision.revision_date),
        ]


class ArticleChooseView(ArticleChooseMixin, snippet_chooser.ChooseView):
    pass


class ArticleChooseResultsView(ArticleChooseMixin, snippet_chooser.ChooseResultsView):
    pass


class ArticleChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    choose_view_class = ArticleChooseView
    choose_results_view_class = ArticleChooseResultsView


class ArticleURLFinder(ModelAdminURLFinder):
    """An article "opens" in its read-only inspect view, e.g. from a chooser in a lesson."""

    def get_edit_url(self, instance):
        policy = policy_registry.get_by_type(Article)
        if self.user and not policy.user_has_permission(self.user, "view"):
            return None
        return self.construct_edit_url(instance)


class ArticleInspectView(InspectView):
    """Other apps add actions for an article (e.g. drafting questions from it) through the
    `register_article_buttons` hook: fn(user, article) -> list[Button]."""

    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        for fn in hooks.get_hooks("register_article_buttons"):
            buttons += fn(self.request.user, self.object)
        return buttons


class ArticleViewSet(SnippetViewSet):
    model = Article
    icon = "doc-full"
    menu_label = _("条文")
    list_display = ["__str__", "chapter", "revision"]
    filterset_class = ArticleFilterSet
    search_fields = ["text"]
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = ["revision", "chapter", "section", "display", "text"]
    index_view_class = ArticleIndexView
    inspect_view_class = ArticleInspectView
    chooser_viewset_class = ArticleChooserViewSet
    list_per_page = 50

    def get_queryset(self, request):
        return Article.objects.select_related("revision__regulation", "chapter")

    @property
    def url_finder_class(self):
        return type(
            "_ArticleURLFinder",
            (ArticleURLFinder,),
            {"edit_url_name": self.get_url_name("inspect")},
        )


# --- Menu, URLs, home panel -------------------------------------------------------------


class ReviewQueueMenuItem(PermissionMenuItem):
    """待复核 with the number of open flags, so the work queue is seen from every page."""

    def render_component(self, request):
        component = super().render_component(request)
        count = ReviewFlag.objects.open().count()
        if count:
            component.label = f"{self.label}（{count}）"
        return component


class RegulationLibraryGroup(SnippetViewSetGroup):
    menu_label = _("法规库")
    menu_icon = "doc-full-inverse"
    menu_order = 200
    items = (RegulationViewSet, ArticleViewSet)
    submenu_hook = "register_regulation_library_menu_item"


register_snippet(RegulationLibraryGroup)


@hooks.register("register_regulation_library_menu_item")
def import_menu_item():
    url = reverse("regulation_admin:import")
    return PermissionMenuItem(
        _("导入法规"),
        url,
        name="regulation-import",
        icon_name="upload",
        order=10,
        permission="courses.add_regulation",
    )


@hooks.register("register_regulation_library_menu_item")
def review_menu_item():
    return ReviewQueueMenuItem(
        _("待复核"),
        reverse("regulation_admin:review"),
        name="review-queue",
        icon_name="warning",
        order=20,
        permission="courses.view_reviewflag",
    )


@hooks.register("register_regulation_library_menu_item")
def create_course_menu_item():
    return PermissionMenuItem(
        _("由法规生成课程"),
        reverse("regulation_admin:create_course"),
        name="course-from-regulation",
        icon_name="doc-empty-inverse",
        order=30,
        permission="courses.view_regulation",
    )


admin_urlpatterns = [
    path("import/", admin_views.ImportView.as_view(), name="import"),
    path("<int:pk>/diff/", admin_views.DiffView.as_view(), name="diff"),
    path("review/", admin_views.ReviewQueueView.as_view(), name="review"),
    path("review/resolve/", admin_views.ResolveFlagsView.as_view(), name="resolve"),
    path("create-course/", admin_views.CreateCourseView.as_view(), name="create_course"),
]


@hooks.register("register_admin_urls")
def register_regulation_admin_urls():
    return [path("regulations/", include((admin_urlpatterns, "regulation_admin")))]


class ReviewQueuePanel(Component):
    name = "review_queue"
    order = 90
    template_name = "courses/admin/home_panel.html"

    def __init__(self, count: int):
        self.count = count

    def get_context_data(self, parent_context):
        return {"count": self.count, "url": reverse("regulation_admin:review")}


@hooks.register("construct_homepage_panels")
def add_review_queue_panel(request, panels):
    if request.user.has_perm("courses.view_reviewflag"):
        count = ReviewFlag.objects.open().count()
        if count:
            panels.append(ReviewQueuePanel(count))
