from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from certificates.models import CertificateTemplate, Kind
from certificates.services.data import hours_text

from .models import JudgingCriterion


class SheetForm(forms.Form):
    """One mark per criterion (0 to its maximum) and an optional comment."""

    comment = forms.CharField(
        label=_("评语"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, criteria: list[JudgingCriterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        marks = {}
        for criterion in criteria:
            name = f"mark_{criterion.pk}"
            marks[name] = forms.DecimalField(
                label=_("%(name)s（满分 %(max)s，权重 %(weight)s）")
                % {
                    "name": criterion.name,
                    "max": hours_text(criterion.max_score),
                    "weight": hours_text(criterion.weight),
                },
                min_value=Decimal(0),
                max_value=criterion.max_score,
                decimal_places=1,
                widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
            )
        self.fields = {**marks, "comment": self.fields["comment"]}

    def marks(self) -> dict[int, Decimal]:
        return {c.pk: self.cleaned_data[f"mark_{c.pk}"] for c in self.criteria}


class AwardForm(forms.Form):
    source = forms.ChoiceField(label=_("依据的排名"))
    first = forms.IntegerField(label=_("一等奖名额"), min_value=0, max_value=100, initial=1)
    second = forms.IntegerField(label=_("二等奖名额"), min_value=0, max_value=100, initial=2)
    third = forms.IntegerField(label=_("三等奖名额"), min_value=0, max_value=100, initial=3)
    organisation_units = forms.IntegerField(
        label=_("优秀组织奖单位数"), min_value=0, max_value=50, initial=0
    )
    template = forms.ModelChoiceField(
        label=_("获奖证书模板"), queryset=CertificateTemplate.objects.none()
    )
    unit_template = forms.ModelChoiceField(
        label=_("优秀组织奖证书模板"),
        queryset=CertificateTemplate.objects.none(),
        required=False,
    )

    def __init__(self, *args, sources: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = sources
        self.fields["template"].queryset = CertificateTemplate.objects.filter(
            kind=Kind.AWARD, active=True
        )
        self.fields["unit_template"].queryset = CertificateTemplate.objects.filter(
            kind=Kind.UNIT_AWARD, active=True
        )

    def counts(self) -> dict[str, int]:
        return {level: self.cleaned_data[level] for level in ("first", "second", "third")}
