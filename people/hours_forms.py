"""Forms for the ledger pages: a manual entry with its evidence, a review, a reversal."""

from pathlib import PurePath

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from people.models import HourEntry
from people.storage import MaxFileSizeValidator

EVIDENCE_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png")
EVIDENCE_MAX_SIZE = 10 * 1024 * 1024


class ManualEntryForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("类别"), choices=HourEntry.Kind.choices)
    date = forms.DateField(
        label=gettext_lazy("日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    hours = forms.DecimalField(
        label=gettext_lazy("学时"), min_value=0.5, max_value=200, decimal_places=1
    )
    title = forms.CharField(
        label=gettext_lazy("培训内容"),
        max_length=200,
        help_text=gettext_lazy("如：省文化和旅游厅执法骨干培训班"),
    )
    note = forms.CharField(
        label=gettext_lazy("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = forms.FileField(
        label=gettext_lazy("证明材料"),
        help_text=gettext_lazy("结业证书、通知或签到表的扫描件：PDF、JPG 或 PNG，不超过 10 MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EVIDENCE_EXTENSIONS)}),
    )

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("日期不能晚于今天"))
        return value

    def clean_evidence(self):
        upload = self.cleaned_data["evidence"]
        if PurePath(upload.name).suffix.lower() not in EVIDENCE_EXTENSIONS:
            raise forms.ValidationError(_("证明材料只能是 PDF、JPG 或 PNG 文件"))
        MaxFileSizeValidator(EVIDENCE_MAX_SIZE)(upload)
        return upload


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("理由"), max_length=200)


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("年度"), coerce=int, required=False)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, _("%(year)s年") % {"year": y}) for y in years]

    def chosen_year(self, default: int) -> int:
        if self.is_valid() and self.cleaned_data["year"]:
            return self.cleaned_data["year"]
        return default
