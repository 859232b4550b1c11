from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from lianbing.blocks import AnnouncementStreamBlock
from lianbing.content_cache import CachedRouteMixin


class HomePage(CachedRouteMixin, Page):
    """The portal's front page: a welcome line and the service's announcements."""

    intro = models.CharField(_("导语"), max_length=250, blank=True)
    announcements = StreamField(AnnouncementStreamBlock(), blank=True, verbose_name=_("通知公告"))

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("announcements"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("announcements"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1
    template = "lianbing/home_page.html"

    class Meta:
        verbose_name = _("首页")
        verbose_name_plural = _("首页")
