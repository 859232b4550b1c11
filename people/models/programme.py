"""The annual capacity-building programme (能力提升年): phases, required hours, credit rules
and unit targets — all configurable per year by administrators in the Wagtail admin."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from people.models.ledger import HourKind

_positive = [MinValueValidator(Decimal("0"))]


class AnnualProgramme(ClusterableModel):
    year = models.PositiveSmallIntegerField(
        _("年度"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("名称"), max_length=200)
    required_hours = models.DecimalField(
        _("每人应修学时"),
        max_digits=6,
        decimal_places=1,
        default=Decimal(40),
        validators=_positive,
        help_text=_("未按职务另行规定的人员适用此学时要求。"),
    )
    description = models.TextField(_("工作要求"), blank=True)

    panels = [
        MultiFieldPanel(
            [FieldPanel("year"), FieldPanel("title"), FieldPanel("required_hours")],
            heading=_("基本信息"),
        ),
        FieldPanel("description"),
        InlinePanel("phases", heading=_("阶段安排"), label=_("阶段")),
        InlinePanel("requirements", heading=_("按职务的学时要求"), label=_("学时要求")),
        InlinePanel("credit_rules", heading=_("学时计入规则"), label=_("规则")),
        InlinePanel("unit_targets", heading=_("单位目标"), label=_("单位目标")),
    ]

    class Meta:
        ordering = ["-year"]
        verbose_name = _("年度培训计划")
        verbose_name_plural = _("年度培训计划")

    def __str__(self):
        return self.title


class ProgrammePhase(Orderable):
    programme = ParentalKey(AnnualProgramme, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(_("阶段"), max_length=50)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    description = models.CharField(_("主要任务"), max_length=300, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("阶段")
        verbose_name_plural = _("阶段")

    def __str__(self):
        return self.name


class HourRequirement(Orderable):
    """Required hours for officers whose 职务 (position) is exactly `position`."""

    programme = ParentalKey(AnnualProgramme, on_delete=models.CASCADE, related_name="requirements")
    position = models.CharField(_("职务"), max_length=50)
    hours = models.DecimalField(_("应修学时"), max_digits=6, decimal_places=1, validators=_positive)

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "position"], name="unique_requirement_position"
            )
        ]
        verbose_name = _("学时要求")
        verbose_name_plural = _("学时要求")

    def __str__(self):
        return f"{self.position}: {self.hours}"


class CreditRule(Orderable):
    """A cap on the hours of one kind that count, per day and/or per year."""

    programme = ParentalKey(AnnualProgramme, on_delete=models.CASCADE, related_name="credit_rules")
    kind = models.CharField(_("类别"), max_length=16, choices=HourKind.choices)
    daily_cap = models.DecimalField(
        _("每日最多计入"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=_positive,
    )
    annual_cap = models.DecimalField(
        _("全年最多计入"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=_positive,
    )

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["programme", "kind"], name="unique_credit_rule_kind")
        ]
        verbose_name = _("学时计入规则")
        verbose_name_plural = _("学时计入规则")

    def __str__(self):
        return self.get_kind_display()


class UnitTarget(Orderable):
    programme = ParentalKey(AnnualProgramme, on_delete=models.CASCADE, related_name="unit_targets")
    unit = models.ForeignKey(
        "people.Unit", on_delete=models.CASCADE, related_name="+", verbose_name=_("单位")
    )
    min_average_hours = models.DecimalField(
        _("人均学时目标"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=_positive,
    )
    min_compliance_percent = models.PositiveSmallIntegerField(
        _("达标率目标（%）"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )

    class Meta(Orderable.Meta):
        verbose_name = _("单位目标")
        verbose_name_plural = _("单位目标")

    def __str__(self):
        return str(self.unit)
