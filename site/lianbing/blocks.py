"""StreamField blocks shared across the site's pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class AnnouncementBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("标题"), max_length=120)
    date = blocks.DateBlock(label=_("日期"))
    body = blocks.RichTextBlock(
        label=_("正文"), features=["bold", "italic", "link", "ol", "ul"], required=False
    )
    important = blocks.BooleanBlock(label=_("重要"), required=False)

    class Meta:
        icon = "info-circle"
        label = _("通知公告")
        template = "blocks/announcement.html"


class AnnouncementStreamBlock(blocks.StreamBlock):
    announcement = AnnouncementBlock()
    text = blocks.RichTextBlock(label=_("文字"), features=["bold", "italic", "link", "ol", "ul"])
