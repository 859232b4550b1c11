"""Wagtail admin wiring for the organisation's managed lists (administrators only)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from people.models import AnnualProgramme, AuditEntry, Domain, HRScope


class DomainViewSet(ModelViewSet):
    model = Domain
    icon = "tag"
    menu_label = _("执法领域")
    form_fields = ["name", "code", "order"]
    list_display = ["name", "code", "order"]
    copy_view_enabled = False


class HRScopeViewSet(ModelViewSet):
    model = HRScope
    icon = "group"
    menu_label = _("人事管辖范围")
    form_fields = ["user", "unit"]
    list_display = ["user", "unit"]
    copy_view_enabled = False


class AuditEntryViewSet(ModelViewSet):
    model = AuditEntry
    icon = "history"
    menu_label = _("操作日志")
    list_display = ["at", "actor", "action", "target"]
    list_filter = ["action"]
    form_fields = []
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_admin_menu = False

    # The log is append-only: services write it, nobody edits it.
    def get_common_view_kwargs(self, **kwargs):
        # No links to the views removed below: reversing them failed (a 500 for
        # administrators, who hold every people permission).
        removed = ("add", "edit", "delete", "history", "usage")
        return super().get_common_view_kwargs(
            **{f"{name}_url_name": None for name in removed}, **kwargs
        )

    def get_urlpatterns(self):
        return [
            pattern
            for pattern in super().get_urlpatterns()
            if pattern.name in {"index", "index_results", "inspect"}
        ]


class AnnualProgrammeViewSet(ModelViewSet):
    """能力提升年: phases, required hours by 职务, credit caps and unit targets per year."""

    model = AnnualProgramme
    icon = "date"
    menu_label = _("年度培训计划")
    list_display = ["year", "title", "required_hours"]
    copy_view_enabled = True


class OrganisationGroup(ModelViewSetGroup):
    menu_label = _("组织机构")
    menu_icon = "site"
    menu_order = 300
    items = (AnnualProgrammeViewSet(), DomainViewSet(), HRScopeViewSet(), AuditEntryViewSet())


@hooks.register("register_admin_viewset")
def register_organisation_viewsets():
    return OrganisationGroup()
