from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certificates.models import Certificate, CertificateTemplate, Kind
from people.models import Unit


class RegisterFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False)
    kind = forms.ChoiceField(label=_("类型"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False)
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.none(), required=False)
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("姓名、工号、编号或事项")
        self.fields["kind"].choices = [("", _("全部类型")), *Kind.choices]
        self.fields["status"].choices = [("", _("全部状态")), *Certificate.Status.choices]
        self.fields["unit"].queryset = units
        self.fields["unit"].empty_label = _("全部单位")
        this_year = timezone.localdate().year
        self.fields["year"].choices = [("", _("全部年度"))] + [
            (y, str(y)) for y in range(this_year, this_year - 6, -1)
        ]
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control" if name == "q" else "form-select"


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=200)


class BulkIssueForm(forms.Form):
    MODES = [
        ("officers", _("指定人员（工号，每行一个）")),
        ("unit", _("整个单位（含下级单位）")),
        ("winners", _("竞赛获奖名单（每行：工号 奖项）")),
    ]
    template = forms.ModelChoiceField(
        label=_("证书模板"), queryset=CertificateTemplate.objects.none()
    )
    title = forms.CharField(label=_("证明事项"), max_length=200)
    mode = forms.ChoiceField(label=_("颁发对象"), choices=MODES, widget=forms.RadioSelect)
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.none(), required=False)
    lines = forms.CharField(
        label=_("名单"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    competition = forms.CharField(label=_("竞赛名称"), max_length=64, required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = CertificateTemplate.objects.filter(active=True).exclude(
            kind=Kind.ANNUAL_RECORD
        )
        self.fields["template"].empty_label = _("请选择模板")
        self.fields["unit"].queryset = units
        self.fields["unit"].empty_label = _("请选择单位")
        self.fields["unit"].help_text = _("“整个单位”和优秀组织奖时选择")
        self.fields["lines"].help_text = _("“指定人员”“竞赛获奖名单”时填写")

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        if mode == "unit" and not data.get("unit"):
            self.add_error("unit", _("请选择单位"))
        if mode in ("officers", "winners") and not (data.get("lines") or "").strip():
            self.add_error("lines", _("请填写名单"))
        if mode == "winners" and not data.get("competition"):
            self.add_error("competition", _("请填写竞赛名称"))
        return data


class AnnualRecordForm(forms.Form):
    number = forms.CharField(label=_("工号"), max_length=32)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
