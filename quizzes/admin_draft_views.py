"""由条文生成试题: a trainer picks an article, previews proposed questions, keeps some as drafts.

Reached from the menu (choose a regulation and an article number) or from an article's
inspect page (`?article=<id>`). Nothing is published here: kept proposals become 草稿 that
a trainer must review and set active in the question list. Requires quizzes.add_question.
"""

import re

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button

from courses.models import Article, Regulation
from courses.services.chinese_numerals import chinese_to_int
from lianbing.errors import DomainError
from quizzes.models import Category, Difficulty, Question
from quizzes.services.bank import category_for_path
from quizzes.services.draft_service import article_proposals, draft_from_article
from quizzes.services.drafting import short_title
from quizzes.services.keys import LABEL_BY_KIND, LETTERS

PERMISSION = "quizzes.add_question"
# Where "保存为草稿" leads: the question list, filtered to drafts (first name that exists).
QUESTION_LIST_URL_NAMES = ("wagtailsnippets_quizzes_question:list", "quizzes_question:index")
_ARTICLE_NUMBER = re.compile(
    r"^第?(?P<number>[\d零〇一二三四五六七八九十百千两]+)条?(?:之(?P<sub>[\d一二三四五六七八九十]+))?$"
)


def parse_article_number(value: str) -> tuple[int, int] | None:
    """ "30", "第三十条", "十二之一", "12-1" → (number, sub_number); None if unreadable."""
    value = "".join(str(value or "").split()).replace("－", "-")
    if re.fullmatch(r"\d+(-\d+)?", value):
        number, _dash, sub = value.partition("-")
        return int(number), int(sub or 0)
    match = _ARTICLE_NUMBER.match(value)
    if not match:
        return None

    def as_int(text):
        return int(text) if text.isdigit() else chinese_to_int(text.replace("两", "二"))

    try:
        return as_int(match["number"]), as_int(match["sub"]) if match["sub"] else 0
    except ValueError:
        return None


def current_articles():
    return Article.objects.filter(revision__regulation__current_revision=F("revision"))


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return "　" * (obj.depth - 1) + obj.name  # the tree, without a query per label


class ArticlePickForm(forms.Form):
    regulation = forms.ModelChoiceField(
        label=gettext_lazy("法规"),
        queryset=Regulation.objects.filter(current_revision__isnull=False),
        empty_label=gettext_lazy("请选择法规"),
    )
    number = forms.CharField(
        label=gettext_lazy("条号"),
        max_length=20,
        help_text=gettext_lazy("如：30、第三十条、第十二条之一。按现行文本查找。"),
    )

    def clean(self):
        cleaned = super().clean()
        regulation, number = cleaned.get("regulation"), cleaned.get("number")
        if regulation is None or not number:
            return cleaned
        parsed = parse_article_number(number)
        article = None
        if parsed:
            article = (
                current_articles()
                .filter(revision__regulation=regulation, number=parsed[0], sub_number=parsed[1])
                .select_related("revision__regulation")
                .first()
            )
        if article is None:
            raise forms.ValidationError(
                _("《%(title)s》现行文本中没有“%(number)s”。")
                % {"title": regulation.title, "number": number}
            )
        cleaned["article"] = article
        return cleaned


class DraftForm(forms.Form):
    category = CategoryChoiceField(
        label=gettext_lazy("保存到分类"),
        queryset=Category.objects.order_by("path"),
        required=False,
        empty_label=gettext_lazy("请选择分类"),
    )
    new_category = forms.CharField(
        label=gettext_lazy("或新建分类"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("用“/”分隔各级，如“互联网上网服务营业场所管理条例 / 罚则”。"),
    )
    keep = forms.TypedMultipleChoiceField(
        label=gettext_lazy("保留的试题"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("请至少勾选一道试题。")},
    )

    def __init__(self, *args, proposal_count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [(i, str(i + 1)) for i in range(proposal_count)]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("category") and not (cleaned.get("new_category") or "").strip():
            self.add_error("category", _("请选择分类，或填写新建分类。"))
        return cleaned

    def chosen_category(self) -> Category:
        path = (self.cleaned_data.get("new_category") or "").strip()
        return category_for_path(path) if path else self.cleaned_data["category"]


def article_draft_button(user, article) -> list[Button]:
    """For an article's inspect page: [由此条生成试题] when the user may add questions."""
    if not user.has_perm(PERMISSION):
        return []
    url = reverse("quiz_drafting:draft") + f"?article={article.pk}"
    return [Button(_("由此条生成试题"), url=url, icon_name="doc-full", priority=50)]


def question_list_url() -> str:
    for name in QUESTION_LIST_URL_NAMES:
        try:
            return reverse(name) + f"?status={Question.Status.DRAFT}"
        except NoReverseMatch:
            continue
    return reverse("quiz_drafting:draft")


def preview_rows(proposals: list[dict]) -> list[dict]:
    """What the template shows of each proposal: options lettered, the key marked."""
    difficulties = dict(Difficulty.choices)
    rows = []
    for index, proposal in enumerate(proposals):
        keys = set(proposal["answer"]) if proposal["options"] else set()
        rows.append(
            {
                "index": index,
                "kind": LABEL_BY_KIND.get(proposal["kind"], proposal["kind"]),
                "difficulty": difficulties.get(proposal["difficulty"], ""),
                "stem": proposal["stem"],
                "options": [
                    (LETTERS[i], text, LETTERS[i] in keys)
                    for i, text in enumerate(proposal["options"])
                ],
                "answer": proposal["answer"].replace("|", " / "),
                "explanation": proposal["explanation"],
                "tags": list(proposal["tags"]),
            }
        )
    return rows


def suggested_category(article) -> Category | None:
    """The category named after the regulation, if the bank has one."""
    title = article.revision.regulation.title
    return Category.objects.filter(name__in={title, short_title(title)}).order_by("depth").first()


class DraftFromArticleView(WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("由条文生成试题")
    header_icon = "doc-full"
    template_name = "quizzes/admin/draft_from_article.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": question_list_url(), "label": _("试题")},
            {"url": "", "label": self.get_page_title()},
        ]

    def _article(self, value) -> Article | None:
        if not str(value or "").isdigit():
            return None
        return Article.objects.select_related("revision__regulation").filter(pk=value).first()

    def get(self, request):
        article = self._article(request.GET.get("article"))
        if article is not None:
            pick = ArticlePickForm(
                initial={"regulation": article.revision.regulation_id, "number": article.display}
            )
        elif "regulation" in request.GET:
            pick = ArticlePickForm(request.GET)
            article = pick.cleaned_data["article"] if pick.is_valid() else None
        else:
            pick = ArticlePickForm()
        return self._show(pick, article)

    def post(self, request):
        article = self._article(request.POST.get("article"))
        if article is None:
            return redirect("quiz_drafting:draft")
        proposals = article_proposals(article)
        form = DraftForm(request.POST, proposal_count=len(proposals))
        if form.is_valid() and self._is_current(article):
            try:
                questions = draft_from_article(
                    article=article,
                    category=form.chosen_category(),
                    actor=request.user,
                    selected=form.cleaned_data["keep"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("已将 %(count)d 道试题保存为草稿，请逐题审核后启用。")
                    % {"count": len(questions)},
                )
                return redirect(question_list_url())
        pick = ArticlePickForm(
            initial={"regulation": article.revision.regulation_id, "number": article.display}
        )
        return self._show(pick, article, form=form, proposals=proposals)

    @staticmethod
    def _is_current(article) -> bool:
        return article.revision.regulation.current_revision_id == article.revision_id

    def _show(self, pick, article, *, form=None, proposals=None):
        context = {"pick": pick, "article": article}
        if article is not None:
            if proposals is None:
                proposals = article_proposals(article)
            if form is None:
                category = suggested_category(article)
                form = DraftForm(
                    initial={
                        "category": category,
                        "new_category": ""
                        if category
                        else short_title(article.revision.regulation.title),
                        "keep": list(range(len(proposals))),
                    },
                    proposal_count=len(proposals),
                )
            context.update(
                form=form,
                rows=preview_rows(proposals),
                kept={int(k) for k in (form["keep"].value() or [])},
                is_current=self._is_current(article),
                current=None if self._is_current(article) else article.current(),
                regulation_title=article.revision.regulation.title,
            )
        return self.render_to_response(self.get_context_data(**context))
