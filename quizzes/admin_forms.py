"""Admin forms: questions edited the way trainers write them (选项A…H, 答案), categories
placed in the tree."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from quizzes.models import Category
from quizzes.services.keys import LETTERS, content_problems

OPTION_FIELDS = [f"option_{letter.lower()}" for letter in LETTERS]


class QuestionContentForm(WagtailAdminModelForm):
    """Adds 选项A…H fields and checks the content with the same rules imports use."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        options = list(self.instance.options or []) if self.instance else []
        for index, name in enumerate(OPTION_FIELDS):
            if name in self.fields:
                self.fields[name].initial = options[index] if index < len(options) else ""

    def option_values(self) -> list[str]:
        values = [(self.cleaned_data.get(name) or "").strip() for name in OPTION_FIELDS]
        while values and not values[-1]:
            values.pop()
        return values

    def content_errors(self, *, parts=None) -> None:
        kind = self.cleaned_data.get("kind")
        if not kind:
            return
        options = self.option_values() if kind in ("single", "multiple") else []
        self.cleaned_data["options"] = options
        for problem in content_problems(
            kind=kind,
            stem=self.cleaned_data.get("stem", ""),
            options=options,
            answer=self.cleaned_data.get("answer", ""),
            points=self.cleaned_data.get("points"),
            parts=parts,
        ):
            self.add_error(None, ValidationError(f"{problem.field}：{problem.message}"))

    def save(self, commit=True):
        self.instance.options = self.cleaned_data.get("options", [])
        return super().save(commit=commit)


for _name, _letter in zip(OPTION_FIELDS, LETTERS, strict=True):
    QuestionContentForm.base_fields[_name] = forms.CharField(
        label=_("选项%(letter)s") % {"letter": _letter}, required=False, max_length=500
    )
    QuestionContentForm.declared_fields[_name] = QuestionContentForm.base_fields[_name]


class CasePartForm(QuestionContentForm):
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == "case":
            self.add_error("kind", _("小题不能再是案例分析题"))
        elif not cleaned.get("DELETE"):
            self.content_errors()
        return cleaned


class QuestionForm(QuestionContentForm):
    """法条依据 is typed the way the Excel template writes it, and resolved against the
    current text of each regulation (a chooser over every article would list thousands)."""

    citations = forms.CharField(
        label=_("法条依据"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如：《行政处罚法》第三十条；第三十一条。多条用“；”分隔，按现行文本查找。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            from quizzes.services.payload import article_label

            articles = self.instance.cited_articles.select_related("revision__regulation")
            self.fields["citations"].initial = "；".join(article_label(a) for a in articles)

    def clean_citations(self):
        from quizzes.services.formats.citations import split_citations
        from quizzes.services.question_import import ArticleLibrary

        text = self.cleaned_data.get("citations", "")
        if self.instance.pk and text.strip() == (self.fields["citations"].initial or ""):
            # Unchanged: keep the cited articles, which may be in an amended text whose
            # numbers now mean other articles (the review queue shows what changed).
            return text
        try:
            labels = split_citations(text)
            library = ArticleLibrary()
            self.cleaned_data["articles"] = [library.resolve(label) for label in labels]
        except ValueError as error:
            raise ValidationError(str(error)) from error
        return text

    def save(self, commit=True):
        if "articles" in self.cleaned_data:
            self.instance.cited_articles = self.cleaned_data["articles"]
        return super().save(commit=commit)

    def clean(self):
        cleaned = super().clean()
        parts = None
        if cleaned.get("kind") == "case":
            parts = [
                {
                    "kind": form.cleaned_data.get("kind"),
                    "stem": form.cleaned_data.get("stem", ""),
                    "options": form.option_values(),
                    "answer": form.cleaned_data.get("answer", ""),
                    "points": form.cleaned_data.get("points"),
                }
                for form in self.formsets["parts"].forms
                if form.is_valid() and form.cleaned_data and not form.cleaned_data.get("DELETE")
            ]
        self.content_errors(parts=parts)
        return cleaned


class CategoryForm(WagtailAdminModelForm):
    """Name and place in the tree; treebeard needs add_root/add_child/move, not save()."""

    parent = forms.ModelChoiceField(
        label=_("上级分类"),
        queryset=Category.objects.all(),
        required=False,
        empty_label=_("（顶级分类）"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["parent"].initial = self.instance.get_parent()
            descendants = Category.get_tree(self.instance).values_list("pk", flat=True)
            self.fields["parent"].queryset = Category.objects.exclude(pk__in=descendants)

    def save(self, commit=True):
        parent = self.cleaned_data.get("parent")
        instance = self.instance
        if instance.pk is None:
            values = {"name": instance.name, "order": instance.order}
            return Category.add_root(**values) if parent is None else parent.add_child(**values)
        instance.save()
        current = instance.get_parent()
        if (current.pk if current else None) != (parent.pk if parent else None):
            if parent is None:
                instance.move(Category.get_first_root_node(), pos="sorted-sibling")
            else:
                instance.move(parent, pos="sorted-child")
        return Category.objects.get(pk=instance.pk)
