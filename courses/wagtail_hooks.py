"""Wagtail admin wiring for the regulation library and courses."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from courses.models import Article, Regulation


class RegulationViewSet(SnippetViewSet):
    model = Regulation
    icon = "doc-full-inverse"
    menu_label = _("法规")
    list_display = ["title", "kind", "issuing_body", "status", "revision_date"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]
    search_backend_name = None  # plain database search: works for Chinese without tokens
    copy_view_enabled = False


class ArticleViewSet(SnippetViewSet):
    model = Article
    icon = "doc-full"
    menu_label = _("条文")
    list_display = ["__str__", "revision"]
    list_filter = ["revision__regulation"]
    search_fields = ["display", "text", "revision__regulation__title"]
    search_backend_name = None
    copy_view_enabled = False
    list_per_page = 50


class RegulationLibraryGroup(SnippetViewSetGroup):
    menu_label = _("法规库")
    menu_icon = "doc-full-inverse"
    menu_order = 200
    items = (RegulationViewSet, ArticleViewSet)


register_snippet(RegulationLibraryGroup)
