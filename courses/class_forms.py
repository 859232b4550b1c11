"""Forms for the offline training class pages: class and sessions, roster, attendance.

Every choice of unit or officer is narrowed by the permission helper, so a forged id in a
POST is simply "not a valid choice", never another unit's record.
"""

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.models import ClassMember, ClassSession, TrainingClass
from people.forms import show_visible_unit_tree
from people.models import Domain
from people.services import audit
from people.utils import visible_officers

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
# A class's dates may not sprawl: the longest 脱产 class of the programme lasts weeks, not years.
MAX_CLASS_DAYS = 92


def _chinese_messages(form) -> None:
    """Field-specific messages instead of Django's generic "This field is required"."""
    for field in form.fields.values():
        label = field.label or ""
        if isinstance(field, forms.ModelChoiceField):
            field.error_messages["required"] = _("请选择%(label)s") % {"label": label}
            field.error_messages["invalid_choice"] = _("所选%(label)s无效或不在您的管辖范围内") % {
                "label": label
            }
        else:
            field.error_messages["required"] = _("请填写%(label)s") % {"label": label}
        if isinstance(field, forms.DateTimeField):
            field.input_formats = DATETIME_FORMATS
            field.error_messages["invalid"] = _("请输入有效的日期和时间，如 2026-05-18 09:00")
        elif isinstance(field, forms.DateField):
            field.error_messages["invalid"] = _("请输入有效的日期，如 2026-05-18")


class ClassFilterForm(forms.Form):
    year = forms.TypedChoiceField(
        label=gettext_lazy("年度"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("全部年度")), *((y, y) for y in years)]


class TrainingClassForm(forms.ModelForm):
    class Meta:
        model = TrainingClass
        fields = [
            "title",
            "year",
            "batch",
            "domain",
            "organiser",
            "starts_on",
            "ends_on",
            "venue",
            "description",
        ]
        widgets = {
            "starts_on": DATE_INPUT,
            "ends_on": DATE_INPUT,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"batch": gettext_lazy("同一培训班分期分批举办时，填写第几期")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        show_visible_unit_tree(self.fields["organiser"], user)
        self.fields["domain"].empty_label = _("不限执法领域")
        _chinese_messages(self)

    def clean(self):
        data = super().clean()
        starts, ends, year = data.get("starts_on"), data.get("ends_on"), data.get("year")
        if starts and ends:
            if ends < starts:
                self.add_error("ends_on", _("结业日期不能早于开班日期"))
            elif (ends - starts).days > MAX_CLASS_DAYS:
                self.add_error(
                    "ends_on", _("培训班最长 %(days)s 天，请分期举办") % {"days": MAX_CLASS_DAYS}
                )
        if starts and year and year not in (starts.year, (ends or starts).year):
            self.add_error("year", _("年度应与开班或结业日期所在年份一致"))
        return data


class SessionForm(forms.ModelForm):
    class Meta:
        model = ClassSession
        fields = ["title", "starts_at", "ends_at", "hours"]
        widgets = {
            "starts_at": DATETIME_INPUT,
            "ends_at": DATETIME_INPUT,
            "hours": forms.NumberInput(attrs={"step": "0.5", "min": "0.5", "max": "12"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _chinese_messages(self)
        # Hours already credited follow the session's hours and date: those stay fixed once
        # anyone has signed in, or the ledger and the class would disagree.
        self.locked = bool(self.instance.pk) and self.instance.attendances.exists()

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends:
            if ends <= starts:
                self.add_error("ends_at", _("结束时间须晚于开始时间"))
            elif timezone.localdate(starts) != timezone.localdate(ends):
                self.add_error("ends_at", _("课次须在同一天内开始和结束"))
        if self.locked:
            old = self.instance
            if "hours" in self.changed_data and data.get("hours") != old.hours:
                self.add_error("hours", _("已有人签到，不能再修改学时；如需更正请先撤销签到"))
            if starts and timezone.localdate(starts) != timezone.localdate(old.starts_at):
                self.add_error("starts_at", _("已有人签到，不能再改到其他日期"))
        return data


class BaseSessionFormSet(forms.BaseInlineFormSet):
    default_error_messages = {
        **forms.BaseInlineFormSet.default_error_messages,
        "too_few_forms": gettext_lazy("请至少添加 %(num)d 个课次"),
    }

    def __init__(self, *args, class_dates=None, **kwargs):
        super().__init__(*args, **kwargs)
        # (starts_on, ends_on) of the class as submitted, once its form is valid.
        self.class_dates = class_dates

    def clean(self):
        super().clean()
        for form in self.forms:
            if not hasattr(form, "cleaned_data"):
                continue
            if self.can_delete and self._should_delete_form(form):
                if form.locked:
                    raise forms.ValidationError(
                        _("课次“%(title)s”已有签到记录，不能删除；请先在签到表中撤销签到")
                        % {"title": form.instance.title}
                    )
                continue
            starts = form.cleaned_data.get("starts_at")
            if starts and self.class_dates:
                first, last = self.class_dates
                day = timezone.localdate(starts)
                if not (first <= day <= last):
                    form.add_error(
                        "starts_at",
                        _("课次日期须在培训班日期（%(first)s 至 %(last)s）之内")
                        % {"first": first, "last": last},
                    )


def session_formset():
    # min_num shows one blank session on a new class; 添加课次 adds more in the browser.
    return forms.inlineformset_factory(
        TrainingClass,
        ClassSession,
        form=SessionForm,
        formset=BaseSessionFormSet,
        extra=0,
        min_num=1,
        validate_min=True,
        max_num=60,
        validate_max=True,
        can_delete=True,
    )


class RosterForm(forms.Form):
    units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("参训单位（含下级单位）"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    domains = forms.ModelMultipleChoiceField(
        label=gettext_lazy("参训执法领域"),
        queryset=Domain.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, user, training_class, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "units": training_class.roster_units.all(),
                "domains": training_class.roster_domains.all(),
            },
        )
        super().__init__(*args, **kwargs)
        show_visible_unit_tree(self.fields["units"], user)
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = _("所选项目无效或不在您的管辖范围内")
            field.error_messages["invalid_pk_value"] = _("所选项目无效")

    def clean(self):
        data = super().clean()
        if not data.get("units") and not data.get("domains"):
            raise forms.ValidationError(_("请至少选择一个单位或执法领域"))
        return data


class AddMemberForm(forms.Form):
    employee_number = forms.CharField(
        label=gettext_lazy("工号"),
        max_length=32,
        error_messages={"required": gettext_lazy("请填写工号")},
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("工号"), "autocomplete": "off"}),
    )

    def __init__(self, *args, user, training_class, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.training_class = user, training_class

    def clean_employee_number(self):
        number = self.cleaned_data["employee_number"].strip()
        officer = visible_officers(self.user).filter(employee_number=number).first()
        if officer is None:
            raise forms.ValidationError(
                _("您的管辖范围内没有工号为 %(number)s 的人员") % {"number": number}
            )
        if ClassMember.objects.filter(training_class=self.training_class, officer=officer).exists():
            raise forms.ValidationError(
                _("%(name)s（%(number)s）已在参训名单中") % {"name": officer.name, "number": number}
            )
        self.officer = officer
        return number

    def save(self) -> ClassMember:
        with transaction.atomic():
            member = ClassMember.objects.create(
                training_class=self.training_class, officer=self.officer
            )
            audit.record(
                actor=self.user,
                action="class.member_add",
                target=self.training_class,
                officer=self.officer.pk,
            )
        return member


class MarkAttendanceForm(forms.Form):
    officers = forms.ModelMultipleChoiceField(
        queryset=None,
        error_messages={
            "required": gettext_lazy("请至少勾选一名学员"),
            "invalid_choice": gettext_lazy("所选人员不在参训名单中"),
            "invalid_pk_value": gettext_lazy("所选人员无效"),
        },
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        from people.models import Officer

        self.fields["officers"].queryset = Officer.objects.filter(
            class_memberships__training_class_id=session.training_class_id
        )


class RemoveAttendanceForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("撤销理由"),
        max_length=200,
        error_messages={"required": gettext_lazy("请填写撤销签到的理由")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("请填写撤销签到的理由"))
        return reason
