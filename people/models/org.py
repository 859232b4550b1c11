"""The organisation: units, enforcement domains, officers, roles and HR scopes."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class User(AbstractUser):
    """A login. `username` holds the employee number (工号) for everyone."""

    must_change_password = models.BooleanField(
        _("首次登录须修改密码"),
        default=False,
        help_text=_("设置后，用户登录后必须先修改密码才能使用平台。"),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        full_name = self.get_full_name()
        return f"{full_name}（{self.username}）" if full_name else self.username

    def get_full_name(self):
        # Chinese names are written family name first, without a space.
        return f"{self.last_name}{self.first_name}".strip()


class Unit(MP_Node):
    """A unit of the service: the city bureau, its divisions, district bureaus, squads…

    Materialised paths make "this unit's subtree" a single prefix query, which every
    scope check relies on.
    """

    class Kind(models.TextChoices):
        SERVICE = "service", _("执法总队/全市")
        CITY_BUREAU = "city_bureau", _("市局")
        DIVISION = "division", _("处室")
        DETACHMENT = "detachment", _("支队")
        DISTRICT_BUREAU = "district_bureau", _("区(市)执法局")
        SQUAD = "squad", _("中队")
        OTHER = "other", _("其他")

    name = models.CharField(_("单位名称"), max_length=100)
    code = models.CharField(_("单位编码"), max_length=32, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    order = models.PositiveIntegerField(_("排序"), default=0)

    node_order_by = ["order", "code"]

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")

    def __str__(self):
        return self.name

    def subtree(self):
        """This unit and every unit below it."""
        return Unit.objects.filter(path__startswith=self.path)

    def full_name(self) -> str:
        """The unit's name with its ancestors below the root, e.g. 市局 / 执法一支队."""
        ancestors = [unit.name for unit in self.get_ancestors()][1:]
        return " / ".join([*ancestors, self.name])


class Domain(models.Model):
    """An enforcement domain (执法领域): a managed list, seeded by a data migration."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("执法领域")
        verbose_name_plural = _("执法领域")

    def __str__(self):
        return self.name


class Officer(models.Model):
    """The profile of a learner: every officer has one, tied to their login."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("在岗")
        AWAY = "away", _("离岗")
        TRANSFERRED = "transferred", _("调离")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer"
    )
    employee_number = models.CharField(_("工号"), max_length=32, unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="officers", verbose_name=_("单位")
    )
    position = models.CharField(_("职务"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    certificate_number = models.CharField(_("执法证号"), max_length=50, blank=True)
    certificate_issued = models.DateField(_("发证日期"), null=True, blank=True)
    certificate_expires = models.DateField(_("有效期至"), null=True, blank=True)
    domains = models.ManyToManyField(
        Domain, blank=True, related_name="officers", verbose_name=_("执法领域")
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["unit__path", "employee_number"]
        verbose_name = _("执法人员")
        verbose_name_plural = _("执法人员")

    def __str__(self):
        return f"{self.name}（{self.employee_number}）"

    @property
    def certificate_expired(self) -> bool:
        return bool(self.certificate_expires and self.certificate_expires < timezone.localdate())


class HRScope(models.Model):
    """Grants an HR user the records of one unit's subtree.

    City-wide HR holds a scope on the root unit; a user may hold several scopes.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hr_scopes"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="hr_scopes", verbose_name=_("管辖单位")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="unique_hr_scope"),
        ]
        verbose_name = _("人事管辖范围")
        verbose_name_plural = _("人事管辖范围")

    def __str__(self):
        return f"{self.user} → {self.unit}"


class AuditEntry(models.Model):
    """Who did what to which record, for every service that changes data."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    target = models.CharField(_("对象"), max_length=200, blank=True)
    data = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("操作日志")
        verbose_name_plural = _("操作日志")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target}"
