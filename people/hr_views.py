"""HR pages: the officers in one's scope, and the roster import, template and export.

Views stay thin: the services read, check and apply rosters; these pages only move files
and results between the browser and them.
"""

from dataclasses import asdict
from functools import wraps
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lianbing.errors import DomainError
from people.forms import show_visible_unit_tree
from people.models import Officer
from people.services import audit
from people.services.accounts import reset_officer_password
from people.services.roster_export import (
    XLSX_CONTENT_TYPE,
    credentials_workbook,
    export_roster,
    template_workbook,
)
from people.services.roster_import import import_roster
from people.services.roster_read import read_roster
from people.services.roster_types import Credential, RosterInvalid
from people.utils import is_hr, visible_officers

PAGE_SIZE = 50
# The initial passwords of this session's imports, until their one download.
CREDENTIALS_KEY = "hr_roster_credentials"
ALLOWED_EXTENSIONS = (".xlsx", ".csv")


def hr_required(view):
    """Only HR (and administrators); anonymous users go to the login page first."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_hr(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


class OfficerFilterForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("搜索"),
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": gettext_lazy("姓名或工号"), "class": "form-control"}
        ),
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("单位"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("全部单位"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[("", gettext_lazy("全部状态")), *Officer.Status.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        show_visible_unit_tree(self.fields["unit"], user)


@hr_required
def officer_list(request):
    form = OfficerFilterForm(request.GET or None, user=request.user)
    officers = (
        visible_officers(request.user).select_related("unit", "user").prefetch_related("domains")
    )
    if form.is_valid():
        if unit := form.cleaned_data["unit"]:
            officers = officers.filter(unit__path__startswith=unit.path)
        if status := form.cleaned_data["status"]:
            officers = officers.filter(status=status)
        if q := form.cleaned_data["q"].strip():
            officers = officers.filter(Q(name__icontains=q) | Q(employee_number__icontains=q))
    page = Paginator(officers.order_by("unit__path", "employee_number"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "people/hr/officer_list.html", {"form": form, "page": page})


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("名册文件"),
        help_text=gettext_lazy("支持 .xlsx 和 .csv；建议先下载模板填写。"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_EXTENSIONS)}),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("仅校验（不导入）"),
        required=False,
        help_text=gettext_lazy("只检查文件并统计将新增和更新的数量，不做任何修改。"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = PurePath(upload.name).suffix.lower()
        if extension not in ALLOWED_EXTENSIONS:
            message = _("只能上传 .xlsx 或 .csv 文件。")
            if extension == ".xls":
                message += _("旧版 .xls 文件请在 Excel 中另存为 .xlsx。")
            raise forms.ValidationError(message)
        limit = settings.IMPORT_MAX_UPLOAD_SIZE
        if upload.size > limit:
            raise forms.ValidationError(
                _("文件过大（%(size)s），上限为 %(limit)s。")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        return upload


def _keep_credentials(request, credentials: list[Credential]):
    """Hold new initial passwords in this HR user's session, merged with undownloaded ones."""
    held = request.session.get(CREDENTIALS_KEY)
    items = held["items"] if held and held["user"] == request.user.pk else []
    numbers = {c.employee_number for c in credentials}
    items = [i for i in items if i["employee_number"] not in numbers]
    items += [asdict(c) for c in credentials]
    request.session[CREDENTIALS_KEY] = {"user": request.user.pk, "items": items}


def _held_credentials(request) -> list[dict]:
    held = request.session.get(CREDENTIALS_KEY)
    return held["items"] if held and held["user"] == request.user.pk else []


@hr_required
def roster_import(request):
    problems = result = None
    form = RosterUploadForm()
    if request.method == "POST":
        form = RosterUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                roster = read_roster(upload.read(), filename=upload.name)
                result = import_roster(
                    roster=roster, actor=request.user, dry_run=form.cleaned_data["dry_run"]
                )
            except RosterInvalid as exc:
                problems = exc.problems
            else:
                if result.credentials:
                    _keep_credentials(request, result.credentials)
                form = RosterUploadForm()
    context = {
        "form": form,
        "problems": problems,
        "result": result,
        "credentials_count": len(_held_credentials(request)),
    }
    return render(request, "people/hr/import.html", context)


@hr_required
@require_POST
def credentials_download(request):
    """The 初始密码单 of this session's imports: downloadable once, then gone."""
    items = _held_credentials(request)
    if not items:
        messages.warning(request, _("没有待下载的初始密码单：它只能下载一次，可能已经下载过。"))
        return redirect("hr:import")
    del request.session[CREDENTIALS_KEY]
    audit.record(
        actor=request.user,
        action="roster.credentials_downloaded",
        target="初始密码单",
        count=len(items),
    )
    content = credentials_workbook([Credential(**item) for item in items])
    return xlsx_response(content, f"初始密码单-{timezone.localdate():%Y%m%d}.xlsx")


@hr_required
def roster_template(request):
    return xlsx_response(template_workbook(), "人员名册模板.xlsx")


@hr_required
def roster_export(request):
    content = export_roster(user=request.user)
    audit.record(actor=request.user, action="roster.exported", target="人员名册")
    return xlsx_response(content, f"人员名册-{timezone.localdate():%Y%m%d}.xlsx")


@hr_required
@require_POST
def password_reset(request, officer_id: int):
    """New initial password for an officer in scope; it joins the one-time 初始密码单."""
    officer = get_object_or_404(
        visible_officers(request.user).exclude(user=request.user), pk=officer_id
    )
    try:
        credential = reset_officer_password(officer_id=officer.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        _keep_credentials(request, [credential])
        messages.success(
            request,
            _("已为 %(name)s（%(number)s）重置密码，请在导入页下载初始密码单后交给本人。")
            % {"name": officer.name, "number": officer.employee_number},
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "hr:officers"
    return redirect(target)
