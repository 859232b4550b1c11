"""Wagtail admin wiring for live finals: finals with their teams and rounds, and questions."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    ObjectList,
)
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .forms import FinalForm, RoundQuestionForm, TeamForm
from .models import Action, Final, RoundQuestion


class ConsoleColumn(Column):
    def get_value(self, instance):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("finals:host", args=[instance.pk]),
            _("主持控制台"),
            reverse("finals:screen", args=[instance.screen_token]),
            _("大屏幕"),
        )


class TeamsPanel(InlinePanel):
    """Members are typed as employee numbers, checked by TeamForm."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["form"] = TeamForm
        return options


class FinalViewSet(SnippetViewSet):
    model = Final
    icon = "pick"
    menu_label = _("现场决赛")
    list_display = ["title", "competition", "started_at", ConsoleColumn("console", label=_("现场"))]
    list_filter = ["competition"]
    copy_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldPanel("competition"),
            FieldPanel("title"),
            FieldPanel("hosts"),
            FieldRowPanel([FieldPanel("early_buzz_penalty"), FieldPanel("risk_values")]),
            TeamsPanel(
                "teams",
                heading=_("参赛队"),
                label=_("参赛队"),
                min_num=2,
                panels=[
                    FieldRowPanel([FieldPanel("name"), FieldPanel("unit")]),
                    FieldPanel("start_score"),
                    FieldPanel("member_numbers"),
                ],
            ),
            InlinePanel(
                "rounds",
                heading=_("环节"),
                label=_("环节"),
                min_num=1,
                panels=[
                    FieldRowPanel([FieldPanel("kind"), FieldPanel("title")]),
                    FieldRowPanel(
                        [
                            FieldPanel("points_right"),
                            FieldPanel("points_wrong"),
                            FieldPanel("seconds"),
                        ]
                    ),
                ],
            ),
        ],
        base_form_class=FinalForm,
    )


class RoundQuestionViewSet(SnippetViewSet):
    model = RoundQuestion
    icon = "help"
    menu_label = _("决赛题目")
    list_display = ["stem", "round", "team", "sort_order"]
    list_filter = ["round__final"]
    copy_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("round"), FieldPanel("sort_order")]),
            FieldPanel("team"),
            FieldPanel("stem"),
            FieldPanel("options_text"),
            FieldPanel("answer"),
            FieldPanel("explanation"),
        ],
        base_form_class=RoundQuestionForm,
    )


class ActionViewSet(SnippetViewSet):
    """The audit trail of every final, read-only."""

    model = Action
    icon = "history"
    menu_label = _("现场操作记录")
    list_display = ["final", "seq", "kind", "team", "reason", "actor", "at", "undone_at"]
    list_filter = ["final", "kind"]
    copy_view_enabled = False
    inspect_view_enabled = True


class FinalsGroup(SnippetViewSetGroup):
    menu_label = _("现场决赛")
    menu_icon = "pick"
    menu_order = 230
    items = (FinalViewSet, RoundQuestionViewSet, ActionViewSet)


register_snippet(FinalsGroup)
