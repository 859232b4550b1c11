"""Competition pages: who sees rankings before and after release, the judging panel."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from people.models import AuditEntry
from quizzes.competitions.models import ScoreSheet
from tests.factories import PASSWORD, OfficerFactory
from tests.quizzes.competitions.factory import entry, judged, officers, preliminary, sat


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


@pytest.fixture
def contest(city):
    competition = preliminary(min_participation_percent=10)
    first, second = officers(city["east_squad"], 2)
    sat(competition, first, 95)
    sat(competition, second, 80)
    return competition, first, second


def test_an_officer_sees_the_ranking_only_after_release(client, contest, trainer, city_hr):
    competition, first, second = contest
    url = reverse("competitions:detail", args=[competition.pk])
    login(client, second.user)
    page = client.get(url).content.decode()
    assert "排名尚未发布" in page and 'data-testid="individual-ranking"' not in page
    assert first.name not in page
    assert "个人排名：按初赛最好成绩" in page  # the rule is stated before release too
    assert client.post(reverse("competitions:release", args=[competition.pk])).status_code == 404

    login(client, city_hr)  # HR reads the full ranking before release, without the button
    page = client.get(url).content.decode()
    assert first.name in page and 'data-testid="unreleased-note"' in page
    assert 'data-testid="release"' not in page

    login(client, trainer)
    page = client.get(url).content.decode()
    assert 'data-testid="release"' in page and first.name in page
    response = client.post(reverse("competitions:release", args=[competition.pk]))
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="competition.rankings_released").count() == 1

    login(client, second.user)
    page = client.get(url).content.decode()
    assert 'data-testid="individual-ranking"' in page and first.name in page
    assert "单位排名（第 2 级单位" in page and "参赛率低于 10% 的单位" in page
    assert "我的名次" not in page  # shown only when the officer is below the top list
    listing = client.get(reverse("competitions:list")).content.decode()
    assert competition.title in listing and "参加初赛" in listing


def test_forged_competition_ids_are_404(client, contest, trainer):
    login(client, trainer)
    assert client.get(reverse("competitions:detail", args=[999_999])).status_code == 404
    assert client.post(reverse("competitions:release", args=[999_999])).status_code == 404
    assert client.get(reverse("competitions:awards", args=[999_999])).status_code == 404


@pytest.fixture
def panel(city):
    competition, judges = judged(judges=5)
    author = OfficerFactory(unit=city["east"])
    one = entry(competition, "行政处罚决定书（一）", unit=city["east"], authors=[author])
    two = entry(competition, "行政处罚决定书（二）", unit=city["west"])
    other_contest, _ = judged(judges=1, title="另一评比")
    stranger = entry(other_contest, "别的作品")
    return competition, judges, author, one, two, stranger


def sheet_data(competition, marks, comment=""):
    criteria = list(competition.criteria.all())
    return {
        **{f"mark_{c.pk}": m for c, m in zip(criteria, marks, strict=True)},
        "comment": comment,
    }


def test_only_panel_judges_score_and_only_their_own_sheet(client, panel, trainer):
    competition, judges, author, one, two, stranger = panel
    judge_url = reverse("competitions:judge", args=[competition.pk])
    sheet_url = reverse("competitions:judge_sheet", args=[competition.pk, one.pk])

    for outsider in (author.user, trainer):  # neither an officer nor a non-panel trainer
        login(client, outsider)
        assert client.get(judge_url).status_code == 404
        assert client.post(sheet_url, sheet_data(competition, [9, 9, 9, 9])).status_code == 404
    assert not ScoreSheet.objects.exists()

    login(client, judges[0])
    page = client.get(judge_url).content.decode()
    assert "已评 0 / 2 件" in page and one.title in page
    response = client.post(sheet_url, sheet_data(competition, [8, 7, 9, 10], "说理充分"))
    assert response.status_code == 302
    # Out of range: refused by the form, nothing saved.
    bad = client.post(sheet_url, sheet_data(competition, [11, 7, 9, 10]))
    assert bad.status_code == 200
    # An entry of another contest, or a made-up one, through this contest's URL.
    for forged in (stranger.pk, 999_999):
        url = reverse("competitions:judge_sheet", args=[competition.pk, forged])
        assert client.post(url, sheet_data(competition, [1, 1, 1, 1])).status_code == 404

    login(client, judges[1])
    client.post(sheet_url, sheet_data(competition, [5, 5, 5, 5]))
    # Editing again replaces the judge's own sheet only.
    client.post(sheet_url, sheet_data(competition, [6, 6, 6, 6]))
    sheets = {s.judge_id: s for s in ScoreSheet.objects.filter(entry=one)}
    assert set(sheets) == {judges[0].pk, judges[1].pk}
    assert [m.mark for m in sheets[judges[0].pk].marks.all()] == [8, 7, 9, 10]
    assert [m.mark for m in sheets[judges[1].pk].marks.all()] == [6, 6, 6, 6]
    assert sheets[judges[0].pk].comment == "说理充分"


def test_closed_judging_refuses_changes(client, panel, trainer):
    competition, judges, _author, one, _two, _stranger = panel
    login(client, judges[0])
    sheet_url = reverse("competitions:judge_sheet", args=[competition.pk, one.pk])
    client.post(sheet_url, sheet_data(competition, [8, 8, 8, 8]))
    login(client, trainer)
    client.post(reverse("competitions:close_judging", args=[competition.pk]))
    login(client, judges[0])
    page = client.post(sheet_url, sheet_data(competition, [1, 1, 1, 1])).content.decode()
    assert "评分已截止" in page
    assert [m.mark for m in ScoreSheet.objects.get().marks.all()] == [8, 8, 8, 8]


def test_judged_ranking_page_states_the_drop_rule(client, panel, trainer):
    competition, judges, _author, one, two, _stranger = panel
    for judge, mark in zip(judges, [10, 9, 8, 7, 2], strict=True):
        login(client, judge)
        client.post(
            reverse("competitions:judge_sheet", args=[competition.pk, one.pk]),
            sheet_data(competition, [mark] * 4),
        )
    login(client, trainer)
    page = client.get(reverse("competitions:detail", args=[competition.pk])).content.decode()
    assert "评分表不少于 5 份时，去掉一个最高分和一个最低分" in page
    assert "80.00" in page and "去掉 100.00 / 20.00" in page


def test_entry_documents_are_private(client, panel, city):
    competition, judges, author, one, _two, _stranger = panel
    one.document.save("文书.txt", ContentFile("决定书正文".encode()), save=True)
    url = reverse("competitions:entry_document", args=[competition.pk, one.pk])
    login(client, judges[0])
    assert b"".join(client.get(url).streaming_content).decode() == "决定书正文"
    login(client, author.user)
    assert client.get(url).status_code == 200
    login(client, OfficerFactory(unit=city["west"]).user)
    assert client.get(url).status_code == 404


def test_weights_reach_the_page(client, panel, trainer):
    competition, judges, _author, one, _two, _stranger = panel
    login(client, judges[0])
    client.post(
        reverse("competitions:judge_sheet", args=[competition.pk, one.pk]),
        sheet_data(competition, [10, 10, 0, 0]),  # weights 30 30 20 20 → 60
    )
    login(client, trainer)
    page = client.get(reverse("competitions:detail", args=[competition.pk])).content.decode()
    assert "60.00" in page and "满分 10，权重 30" in page


def test_trainers_find_competitions_in_the_admin(client, panel, trainer):
    competition, *_ = panel
    login(client, trainer)
    listing = client.get("/admin/snippets/competitions/competition/").content.decode()
    assert (
        competition.title in listing
        and reverse("competitions:awards", args=[competition.pk]) in listing
    )
    edit = client.get(f"/admin/snippets/competitions/competition/edit/{competition.pk}/")
    assert edit.status_code == 200 and "评分项" in edit.content.decode()
    assert client.get("/admin/snippets/competitions/entry/").status_code == 200
    assert client.get("/admin/snippets/competitions/award/").status_code == 200
