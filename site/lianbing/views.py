from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from people.models import Officer

# Sections later work fills; shown now so officers see where things will be.
UPCOMING_SECTIONS = [
    {"title": _("我的课程"), "text": _("暂无课程")},
    {"title": _("我的考试"), "text": _("暂无考试")},
    {"title": _("我的证书"), "text": _("暂无证书")},
    {"title": _("本年学时"), "text": _("暂无学时记录")},
]


@login_required
def dashboard(request):
    """我的学习: the logged-in user's own profile, never anyone else's."""
    officer = (
        Officer.objects.select_related("unit")
        .prefetch_related("domains")
        .filter(user=request.user)
        .first()
    )
    return render(
        request,
        "lianbing/dashboard.html",
        {"officer": officer, "upcoming": UPCOMING_SECTIONS},
    )
