"""Wagtail admin wiring for competitions: competitions with their scoring criteria and
judging panel, contest entries, and the awards and score sheets (read-only).

Releasing rankings, closing judging and granting awards happen on the competition's own
pages (linked from the list), where the rules are shown beside them.
"""

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Award, Competition, Entry, ScoreSheet


class PagesColumn(Column):
    def get_value(self, instance):
        links = [
            (reverse("competitions:detail", args=[instance.pk]), _("排名与发布")),
            (reverse("competitions:awards", args=[instance.pk]), _("颁奖")),
        ]
        return format_html_join(" · ", '<a href="{}">{}</a>', links)


class CompetitionViewSet(SnippetViewSet):
    model = Competition
    icon = "clipboard-list"
    menu_label = _("竞赛与评比")
    list_display = [
        "title",
        "kind",
        "year",
        "rankings_released_at",
        PagesColumn("pages", label=_("页面")),
    ]
    list_filter = ["kind", "year"]
    search_fields = ["title"]
    search_backend_name = None
    copy_view_enabled = False
    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("year")]),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("preliminary_quiz"),
                FieldRowPanel(
                    [FieldPanel("ranking_unit_depth"), FieldPanel("min_participation_percent")]
                ),
            ],
            heading=_("知识竞赛初赛"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("judges"),
                InlinePanel("criteria", heading=_("评分项"), label=_("评分项")),
            ],
            heading=_("评比"),
        ),
        FieldPanel("credit_hours"),
    ]

    def get_queryset(self, request):
        return Competition.objects.all()


class DocumentColumn(Column):
    def get_value(self, instance):
        if not instance.document:
            return _("现场表演") if instance.is_live_performance else ""
        url = reverse("competitions:entry_document", args=[instance.competition_id, instance.pk])
        return format_html('<a href="{}">{}</a>', url, _("下载"))


class EntryViewSet(SnippetViewSet):
    model = Entry
    icon = "doc-full"
    menu_label = _("参评作品")
    list_display = ["title", "competition", "unit", DocumentColumn("file", label=_("作品"))]
    list_filter = ["competition"]
    search_fields = ["title"]
    search_backend_name = None
    copy_view_enabled = False
    panels = [
        FieldPanel("competition"),
        FieldPanel("title"),
        FieldPanel("unit"),
        FieldPanel("officers"),
        FieldRowPanel([FieldPanel("document"), FieldPanel("is_live_performance")]),
    ]

    def get_queryset(self, request):
        return Entry.objects.select_related("competition", "unit")


class ScoreSheetViewSet(SnippetViewSet):
    """Sheets are written by the judges on their page; here they are read."""

    model = ScoreSheet
    icon = "list-ul"
    menu_label = _("评分表")
    list_display = ["entry", "judge", "submitted_at"]
    list_filter = ["entry__competition"]
    copy_view_enabled = False
    inspect_view_enabled = True

    def get_queryset(self, request):
        return ScoreSheet.objects.select_related("entry", "judge")


class AwardViewSet(SnippetViewSet):
    """Awards are granted on the competition's 颁奖 page; here they are read."""

    model = Award
    icon = "pick"
    menu_label = _("获奖名单")
    list_display = ["competition", "level", "rank", "officer", "unit", "certificate", "granted_at"]
    list_filter = ["competition", "level"]
    copy_view_enabled = False
    inspect_view_enabled = True

    def get_queryset(self, request):
        return Award.objects.select_related("competition", "officer", "unit", "certificate")


class CompetitionGroup(SnippetViewSetGroup):
    menu_label = _("竞赛与评比")
    menu_icon = "clipboard-list"
    menu_order = 225
    items = (CompetitionViewSet, EntryViewSet, ScoreSheetViewSet, AwardViewSet)


register_snippet(CompetitionGroup)
