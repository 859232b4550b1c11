"""The quiz analysis pages: who may open them, whose attempts they count, the Excel export.

The pages are meant to be mounted inside the Wagtail admin (quizzes.wagtail_hooks registers
quizzes.admin_analysis_urls); this module mounts them the same way, admin check included.
"""

import copy
import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import include, path, reverse
from wagtail.admin.auth import require_admin_access
from wagtail.utils.urlpatterns import decorate_urlpatterns

from people.models import AuditEntry
from people.roles import Role
from quizzes import admin_analysis_urls
from quizzes.admin_analysis_views import ReportView
from quizzes.models import Attempt
from quizzes.services.analysis_queries import quiz_analysis
from tests.factories import OfficerFactory, UserFactory, make_hr
from tests.quizzes.factories import analysis_attempt, analysis_quiz, analysis_version

# Copies, so wrapping them in the admin check leaves the module's own patterns alone.
_analysis = decorate_urlpatterns(
    [copy.copy(p) for p in admin_analysis_urls.urlpatterns], require_admin_access
)
urlpatterns = [
    path("admin/quizzes/analysis/", include((_analysis, "quiz_analysis"))),
    path("", include("lianbing.urls")),
]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
XHR = {"x-requested-with": "XMLHttpRequest"}
GRADED, GRADING = Attempt.State.GRADED, Attempt.State.GRADING


def grant(user, *codenames):
    for codename in codenames:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


@pytest.fixture
def exam(city):
    """Two 单选 (key B, 1 point each) taken by officers across the city.

    东区一中队: 100 % and 50 %; 西区: 0 % and one attempt awaiting grading; 执法一支队: 50 %
    then 100 % (the quiz keeps the highest). Pass line 60 %.
    """
    quiz = analysis_quiz(pass_percent=60, grading_method="highest")
    q1, q2 = analysis_version(), analysis_version(stem="第二题")
    people = {
        "east1": OfficerFactory(unit=city["east_squad"]),
        "east2": OfficerFactory(unit=city["east_squad"]),
        "west1": OfficerFactory(unit=city["west"]),
        "west2": OfficerFactory(unit=city["west"]),
        "det": OfficerFactory(unit=city["detachment"]),
    }
    analysis_attempt(quiz, people["east1"], [(q1, 1), (q2, 1)])
    analysis_attempt(quiz, people["east2"], [(q1, 1), (q2, 0)])
    analysis_attempt(quiz, people["west1"], [(q1, 2), (q2, None)])
    analysis_attempt(quiz, people["west2"], [(q1, 1), (q2, 1)], state=GRADING)
    analysis_attempt(quiz, people["det"], [(q1, 1), (q2, 2)], number=1)
    analysis_attempt(quiz, people["det"], [(q1, 1), (q2, 1)], number=2)
    # Still being taken: never counted.
    analysis_attempt(quiz, people["east1"], [(q1, 0), (q2, 0)], number=2, state="in_progress")
    return {"quiz": quiz, "q1": q1, "q2": q2, **people}


@pytest.fixture
def trainer(client):
    user = grant(UserFactory(roles=[Role.TRAINER]), "change_quiz")
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def east_hr(client, city, exam):
    # HR's group has no admin access by default: granting it is how HR reaches these pages.
    user = grant(make_hr(city["east"]), "access_admin")
    # An HR user's own attempt outside its scope is not part of its figures.
    own = OfficerFactory(user=user, employee_number=user.username, unit=city["west"])
    analysis_attempt(exam["quiz"], own, [(exam["q1"], 0), (exam["q2"], 0)])
    client.force_login(user)
    client.user = user
    return client


def report_url(exam, **query):
    url = reverse("quiz_analysis:report", args=[exam["quiz"].pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def export_url(exam):
    return reverse("quiz_analysis:export", args=[exam["quiz"].pk])


def rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_trainer_sees_the_whole_cohort(trainer, exam):
    response = trainer.get(report_url(exam))
    html = response.content.decode()
    assert response.status_code == 200
    analysis = response.context["analysis"]
    summary = analysis.summary
    # Officers east1 100, east2 50, west1 0, det 100 (highest of 50, 100); west2 is pending.
    assert (summary.officers, summary.attempts, summary.pending) == (4, 5, 1)
    assert summary.mean == pytest.approx(62.5) and summary.pass_rate == pytest.approx(50)
    assert [b.count for b in analysis.bands] == [1, 0, 0, 0, 0, 1, 0, 0, 0, 2]
    assert [(u.label, u.count) for u in analysis.units] == [
        ("市文化市场综合执法局 / 执法一支队", 1),
        ("东区文化执法局 / 东区一中队", 2),
        ("西区文化执法局", 1),
    ]
    # Items count every finished attempt (the pending one too): q1 right 5 times of 6.
    q1 = next(i for i in analysis.items if i.question == exam["q1"].question_id)
    assert (q1.drawn, q1.scored) == (6, 6) and q1.facility == pytest.approx(5 / 6)
    assert 'data-testid="summary-officers">4<' in html and "全部单位" in html
    assert 'data-testid="item-options"' in html and 'data-correct="1"' in html


def test_unit_hr_sees_only_its_subtree(east_hr, exam):
    response = east_hr.get(report_url(exam))
    html = response.content.decode()
    assert response.status_code == 200
    analysis = response.context["analysis"]
    assert (analysis.summary.officers, analysis.summary.pending) == (2, 0)
    assert analysis.summary.mean == pytest.approx(75) and analysis.summary.pass_rate == 50
    assert [(u.label, u.count, u.passed) for u in analysis.units] == [
        ("东区文化执法局 / 东区一中队", 2, 1)
    ]
    facility = {i.question: i.facility for i in analysis.items}
    assert facility == {exam["q1"].question_id: 1.0, exam["q2"].question_id: 0.5}
    assert "西区" not in html and "执法一支队" not in html
    assert "东区文化执法局（含下级单位）" in html
    # Keys and option counts are for the trainers who write the questions.
    assert 'data-testid="item-options"' not in html


def test_officers_and_plain_admin_users_are_refused(client, city, exam):
    officer = exam["east1"].user
    client.force_login(officer)
    for url in (report_url(exam), export_url(exam)):
        assert client.get(url, headers=XHR).status_code == 403
        assert client.get(url).status_code == 302  # the admin sends them to log in
    # Inside the admin but neither trainer nor HR: the view itself refuses.
    grant(officer, "access_admin")
    officer = type(officer).objects.get(pk=officer.pk)
    client.force_login(officer)
    for url in (report_url(exam), export_url(exam)):
        assert client.get(url, headers=XHR).status_code == 403
        refused = client.get(url)
        assert refused.status_code == 302 and refused.url == reverse("wagtailadmin_home")
    request = RequestFactory().get("/")
    request.user = officer
    with pytest.raises(PermissionDenied):
        ReportView.as_view()(request, quiz_id=exam["quiz"].pk)


def test_sorting_by_flags_and_an_unknown_quiz(trainer, exam):
    response = trainer.get(report_url(exam, sort="flags"))
    assert response.context["sort"] == "flags"
    assert trainer.get(report_url(exam, sort="bogus")).context["sort"] == "position"
    missing = reverse("quiz_analysis:report", args=[exam["quiz"].pk + 1000])
    assert trainer.get(missing, headers=XHR).status_code == 404


def test_a_quiz_without_attempts_renders(trainer):
    quiz = analysis_quiz()
    response = trainer.get(reverse("quiz_analysis:report", args=[quiz.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and "还没有已评分的答卷" in html
    book = openpyxl.load_workbook(
        io.BytesIO(trainer.get(reverse("quiz_analysis:export", args=[quiz.pk])).content)
    )
    assert rows(book["试题分析"])[1:] == []


def test_export_opens_and_matches_the_page(trainer, exam):
    response = trainer.get(export_url(exam))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["概况", "分数分布", "单位", "试题分析"]
    summary = dict(row[:2] for row in rows(book["概况"]) if row[0])
    assert summary["参加人数"] == 4 and summary["待阅卷答卷（不计入成绩统计）"] == 1
    assert summary["平均得分率（%）"] == 62.5 and summary["及格率（%）"] == 50
    assert summary["统计范围"] == "全部单位"
    bands = rows(book["分数分布"])
    assert bands[0] == ["得分率（%）", "人数", "占比（%）"]
    assert [row[1] for row in bands[1:]] == [1, 0, 0, 0, 0, 1, 0, 0, 0, 2]
    units = rows(book["单位"])
    assert units[2] == ["东区文化执法局 / 东区一中队", 2, 75, 1, 50]
    items = rows(book["试题分析"])
    header = items[0]
    assert header[:5] == ["题序", "试题编号", "版本", "题型", "题干"]
    first = dict(zip(header, items[1], strict=True))
    assert first["试题编号"] == exam["q1"].question_id and first["题型"] == "单选"
    assert first["难度系数"] == round(5 / 6, 2) and first["正确答案"] == "B"
    assert first["各选项人数（✓ 为正确选项）"] == "A 0；B 5 ✓；C 1"
    second = dict(zip(header, items[2], strict=True))
    assert second["未作答"] == 1 and second["作答次数"] == 6
    assert AuditEntry.objects.filter(action="quiz.analysis_exported", actor=trainer.user).exists()


def test_hr_export_holds_only_its_subtree_and_no_keys(east_hr, exam):
    book = openpyxl.load_workbook(io.BytesIO(east_hr.get(export_url(exam)).content))
    summary = dict(row[:2] for row in rows(book["概况"]) if row[0])
    assert summary["参加人数"] == 2 and summary["平均得分率（%）"] == 75
    assert [row[0] for row in rows(book["单位"])[1:]] == ["东区文化执法局 / 东区一中队"]
    header = rows(book["试题分析"])[0]
    assert "正确答案" not in header and len(rows(book["试题分析"])) == 3


def test_figures_take_a_few_queries_whatever_the_cohort(exam, django_assert_max_num_queries):
    user = grant(UserFactory(roles=[Role.TRAINER]), "change_quiz")
    user = type(user).objects.get(pk=user.pk)
    user.has_perm("quizzes.change_quiz")  # load the permission cache outside the count
    with django_assert_max_num_queries(6):
        analysis = quiz_analysis(exam["quiz"], user)
    assert analysis.summary.officers == 4
