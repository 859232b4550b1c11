"""Saving drafted questions (draft_service) and the trainer's 由条文生成试题 admin page."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from courses.models import Article, Regulation
from courses.services.regulation_import import import_regulation
from people.models import AuditEntry
from people.roles import Role
from quizzes.admin_draft_views import article_draft_button, parse_article_number
from quizzes.models import Category, Question
from quizzes.services.draft_service import DraftError, article_proposals, draft_from_article
from tests.courses.conftest import regulation_text
from tests.factories import UserFactory

INTERNET = "internet-access-service-premises-regulations.md"
INTERNET_2022 = "previous/internet-access-service-premises-regulations.2022-03-29.md"
XHR = {"x-requested-with": "XMLHttpRequest"}

pytestmark = pytest.mark.django_db


def draft_url() -> str:
    return reverse("quiz_drafting:draft")


@pytest.fixture
def internet():
    import_regulation(text=regulation_text(INTERNET_2022), source_name=INTERNET_2022)
    import_regulation(text=regulation_text(INTERNET), source_name=INTERNET)
    regulation = Regulation.objects.get(title="互联网上网服务营业场所管理条例")
    return regulation.current_revision.articles.get(number=30)


@pytest.fixture
def trainer(client):
    user = UserFactory(roles=[Role.TRAINER])
    user.user_permissions.add(Permission.objects.get(codename="add_question"))
    client.force_login(user)
    client.user = user
    return client


def test_article_numbers_are_read_as_trainers_write_them():
    assert parse_article_number("30") == (30, 0)
    assert parse_article_number("第三十条") == (30, 0)
    assert parse_article_number("第十二条之一") == (12, 1)
    assert parse_article_number("12-1") == (12, 1)
    assert parse_article_number("第 三十一 条") == (31, 0)
    assert parse_article_number("三十条款") is None


def test_drafts_are_saved_unpublished_citing_the_article_and_audited(internet):
    user = UserFactory(roles=[Role.TRAINER])
    category = Category.add_root(name="互联网上网服务营业场所管理条例")
    proposals = article_proposals(internet)

    questions = draft_from_article(article=internet, category=category, actor=user, selected=[0, 1])

    assert [q.stem for q in questions] == [proposals[0]["stem"], proposals[1]["stem"]]
    for question in Question.objects.filter(pk__in=[q.pk for q in questions]):
        assert question.status == Question.Status.DRAFT
        assert question.source == Question.Source.DRAFTED
        assert list(question.cited_articles.all()) == [internet]
        assert question.created_by == user and question.category == category
        assert question.current_version.payload["articles"][0]["label"] == (
            "《互联网上网服务营业场所管理条例》第三十条"
        )
        assert "条文生成" in question.tags.names()
    entry = AuditEntry.objects.get(action="question.drafted_from_article")
    assert entry.actor == user and entry.data["count"] == 2
    assert entry.data["question_ids"] == [q.pk for q in questions]
    with pytest.raises(DraftError):
        draft_from_article(article=internet, category=category, actor=user, selected=[])


def test_page_requires_permission_to_add_questions(client, internet):
    client.force_login(UserFactory(roles=[Role.OFFICER]))
    url = f"{draft_url()}?article={internet.pk}"
    assert client.get(url, headers=XHR).status_code == 403
    assert client.post(draft_url(), {"article": internet.pk}, headers=XHR).status_code == 403


def test_trainer_previews_keeps_some_and_saves_drafts(trainer, internet):
    page = trainer.get(f"{draft_url()}?article={internet.pk}")
    html = page.content.decode()
    proposals = article_proposals(internet)
    assert page.status_code == 200
    assert html.count('data-testid="proposal"') == len(proposals)
    assert "违法经营额不足1万元的" in html and "保存为草稿" in html
    # No category named after the regulation yet: the new-category field suggests one.
    assert 'value="互联网上网服务营业场所管理条例"' in html

    saved = trainer.post(
        draft_url(),
        {
            "article": internet.pk,
            "keep": ["0", "2"],
            "new_category": "互联网上网服务营业场所管理条例 / 罚则",
        },
    )

    assert saved.status_code == 302
    drafts = Question.objects.order_by("pk")
    assert [q.stem for q in drafts] == [proposals[0]["stem"], proposals[2]["stem"]]
    assert {q.status for q in drafts} == {Question.Status.DRAFT}
    assert drafts[0].category.full_name == "互联网上网服务营业场所管理条例 / 罚则"


def test_article_is_found_by_regulation_and_number(trainer, internet):
    page = trainer.get(
        draft_url(), {"regulation": internet.revision.regulation_id, "number": "第三十条"}
    )
    assert page.status_code == 200 and 'data-testid="proposals"' in page.content.decode()
    missing = trainer.get(
        draft_url(), {"regulation": internet.revision.regulation_id, "number": "99"}
    )
    assert "现行文本中没有" in missing.content.decode()


def test_nothing_is_saved_without_a_choice_or_from_an_old_text(trainer, internet):
    empty = trainer.post(draft_url(), {"article": internet.pk, "new_category": "网吧"})
    assert empty.status_code == 200 and "请至少勾选一道试题" in empty.content.decode()
    old = Article.objects.get(revision__source_name=INTERNET_2022, number=30)
    page = trainer.get(f"{draft_url()}?article={old.pk}")
    assert "这是历史文本中的条文" in page.content.decode()
    refused = trainer.post(draft_url(), {"article": old.pk, "keep": ["0"], "new_category": "网吧"})
    assert refused.status_code == 200 and not Question.objects.exists()


def test_article_inspect_button_only_for_those_who_may_add_questions(internet):
    assert article_draft_button(UserFactory(roles=[Role.OFFICER]), internet) == []
    trainer = UserFactory(roles=[Role.TRAINER])
    trainer.user_permissions.add(Permission.objects.get(codename="add_question"))
    (button,) = article_draft_button(trainer, internet)
    assert button.url == f"{draft_url()}?article={internet.pk}"
