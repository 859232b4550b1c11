"""The StreamField blocks of lesson pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

RICH_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "hr"]


class ArticlesBlock(blocks.StructBlock):
    """Cites articles of the regulation library; renders them as they read today.

    The block stores the chosen article rows; the page resolves each to its successor in the
    current revision (see `courses.services.articles.current_versions`).
    """

    heading = blocks.CharBlock(label=_("小标题"), required=False, max_length=100)
    articles = blocks.ListBlock(
        SnippetChooserBlock("courses.Article", label=_("条文")), label=_("条文"), min_num=1
    )

    class Meta:
        icon = "doc-full"
        label = _("法条")
        template = "courses/blocks/articles.html"


class CaseStudyBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("案例名称"), max_length=120)
    facts = blocks.RichTextBlock(label=_("基本案情"), features=RICH_FEATURES)
    analysis = blocks.RichTextBlock(label=_("分析与处理"), features=RICH_FEATURES)
    basis = blocks.CharBlock(label=_("法律依据"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("案例")
        template = "courses/blocks/case_study.html"


class KeyPointsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("标题"), default=_("要点"), max_length=60)
    points = blocks.ListBlock(blocks.CharBlock(label=_("要点"), max_length=300), label=_("要点"))

    class Meta:
        icon = "list-ul"
        label = _("要点")
        template = "courses/blocks/key_points.html"


class VideoBlock(blocks.StructBlock):
    """A video served from the intranet (an uploaded file): no external embeds offline."""

    title = blocks.CharBlock(label=_("标题"), max_length=120)
    file = DocumentChooserBlock(label=_("视频文件（mp4）"))
    caption = blocks.CharBlock(label=_("说明"), required=False, max_length=200)

    class Meta:
        icon = "media"
        label = _("视频")
        template = "courses/blocks/video.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("文档"))
    description = blocks.CharBlock(label=_("说明"), required=False, max_length=200)

    class Meta:
        icon = "doc-empty"
        label = _("文档")
        template = "courses/blocks/document.html"


class LessonStreamBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(label=_("正文"), features=RICH_FEATURES, icon="pilcrow")
    articles = ArticlesBlock()
    case_study = CaseStudyBlock()
    key_points = KeyPointsBlock()
    video = VideoBlock()
    document = DocumentBlock()
