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


class FinalForm(WagtailAdminModelForm):
    """Hosts are chosen among trainers and administrators, not among every account."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from people.models import User
        from people.roles import Role

        # A plain list: a final belongs to one of the year's few competitions.
        if "competition" in self.fields:
            field = self.fields["competition"]
            field.widget = forms.Select(choices=field.choices)
        if "hosts" in self.fields:
            self.fields["hosts"].queryset = (
                User.objects.filter(groups__name__in=[Role.TRAINER, Role.ADMINISTRATOR])
                .distinct()
                .order_by("username")
            )
            self.fields["hosts"].widget = forms.CheckboxSelectMultiple()
            self.fields["hosts"].widget.choices = self.fields["hosts"].choices
            self.fields["hosts"].label_from_instance = lambda u: (
                f"{u.get_full_name() or u.username}（{u.username}）"
            )


class TeamForm(WagtailAdminModelForm):
    """Team members are typed as employee numbers (工号): a final's teams come from a list."""

    member_numbers = forms.CharField(
        label=_("队员工号"),
        help_text=_("用逗号、空格或换行分隔，如 10001, 10002"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "unit" in self.fields:
            field = self.fields["unit"]
            field.widget = forms.Select(choices=field.choices)
        if self.instance.pk:
            self.fields["member_numbers"].initial = ", ".join(
                o.employee_number for o in self.instance.members.all()
            )

    def clean_member_numbers(self):
        import re

        from people.models import Officer

        numbers = [n for n in re.split(r"[\s,，、;；]+", self.cleaned_data["member_numbers"]) if n]
        if not numbers:
            raise forms.ValidationError(_("至少填写一名队员"))
        found = {o.employee_number: o for o in Officer.objects.filter(employee_number__in=numbers)}
        unknown = [n for n in numbers if n not in found]
        if unknown:
            raise forms.ValidationError(_("没有这些工号：%(n)s") % {"n": "、".join(unknown)})
        return [found[n] for n in dict.fromkeys(numbers)]

    def save(self, commit=True):
        instance = super().save(commit=False)
        instance.members.set(self.cleaned_data.get("member_numbers", []))
        if commit:
            instance.save()
        return instance
