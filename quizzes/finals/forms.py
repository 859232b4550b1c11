"""Admin forms: a final's question options are typed one per line, not as JSON."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .models import RoundQuestion


class RoundQuestionForm(WagtailAdminModelForm):
    options_text = forms.CharField(
        label=_("选项"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一个选项，不写字母；判断题和问答题留空。"),
    )

    class Meta:
        model = RoundQuestion
        fields = ["round", "sort_order", "team", "stem", "options_text", "answer", "explanation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["options_text"].initial = "\n".join(self.instance.options or [])
        self.fields["round"].queryset = self.fields["round"].queryset.select_related("final")
        self.fields["round"].label_from_instance = lambda r: f"{r.final} · {r}"
        self.fields["team"].label_from_instance = lambda t: f"{t.final} · {t}"

    def clean_options_text(self):
        lines = [line.strip() for line in self.cleaned_data["options_text"].splitlines()]
        options = [line for line in lines if line]
        if len(options) > 8:
            raise forms.ValidationError(_("最多 8 个选项"))
        return options

    def clean(self):
        cleaned = super().clean()
        team, round_ = cleaned.get("team"), cleaned.get("round")
        if team and round_ and team.final_id != round_.final_id:
            self.add_error("team", _("答题队必须是本场决赛的参赛队"))
        return cleaned

    def save(self, commit=True):
        self.instance.options = self.cleaned_data.get("options_text", [])
        return super().save(commit=commit)
