"""Wagtail admin: certificate templates (with a live PDF preview) for administrators.

The register of issued certificates is a front-end page for HR (/certificates/register/),
like the project's other HR pages; administrators find it from the menu item here.
"""

import re

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from certificates.models import CertificateTemplate
from certificates.placeholders import PLACEHOLDERS, unknown_placeholders
from people.utils import is_hr


class TemplateForm(WagtailAdminModelForm):
    def clean(self):
        data = super().clean()
        for field in ("title", "body", "issuer"):
            unknown = unknown_placeholders(data.get(field) or "")
            if unknown:
                self.add_error(
                    field,
                    _("未知的占位符：%(names)s。可用：%(known)s")
                    % {
                        "names": "、".join(f"{{{n}}}" for n in unknown),
                        "known": " ".join(f"{{{n}}}" for n in PLACEHOLDERS),
                    },
                )
        color = data.get("accent_color") or ""
        if color and not re.fullmatch(r"#[0-9a-fA-F]{6}", color):
            self.add_error("accent_color", _("请填写 #RRGGBB 形式的颜色"))
        return data


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full-inverse"
    menu_label = _("证书模板")
    menu_name = "certificate-templates"
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["name", "kind", "active", "page_size", "orientation", "updated_at"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    search_backend_name = None
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("kind"), FieldPanel("name"), FieldPanel("active")]),
            FieldRowPanel(
                [FieldPanel("page_size"), FieldPanel("orientation"), FieldPanel("font")],
                heading=_("版式"),
            ),
            FieldPanel("title"),
            FieldPanel("body"),
            FieldPanel("issuer"),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("accent_color"), FieldPanel("show_border")]),
                    FieldPanel("background"),
                    FieldRowPanel([FieldPanel("seal"), FieldPanel("signature")]),
                ],
                heading=_("图片与装饰"),
            ),
        ],
        base_form_class=TemplateForm,
    )


register_snippet(CertificateTemplateViewSet)


class RegisterMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(self.url) and is_hr(request.user)


def _register_url() -> str:
    try:
        return reverse("certificates:register")
    except NoReverseMatch:  # the project has not mounted certificates.urls
        return ""


@hooks.register("register_admin_menu_item")
def certificate_register_menu_item():
    return RegisterMenuItem(
        _("证书登记簿"),
        _register_url(),
        name="certificate-register",
        icon_name="list-ul",
        order=261,
    )
