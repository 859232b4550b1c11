import json
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from courses.models import Article, ArticleChange, Regulation, ReviewFlag, Revision
from courses.services.regulation_import import import_regulation
from lianbing.errors import DomainError
from people.models import AuditEntry
from tests.courses.conftest import REGULATIONS_DIR, regulation_text
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
INTERNET = "internet-access-service-premises-regulations.md"
INTERNET_2022 = "previous/internet-access-service-premises-regulations.2022-03-29.md"


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_regulation", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def load(name: str, **options):
    return import_regulation(text=regulation_text(name), source_name=name, **options)


def changes_to(revision) -> list[ArticleChange]:
    return list(
        ArticleChange.objects.filter(to_revision=revision).select_related(
            "old_article", "new_article"
        )
    )


def test_dry_run_prints_the_summary_in_a_subprocess_without_a_migrated_database(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "manage.py", "import_regulation", "--dry-run",
         str(REGULATIONS_DIR / "copyright-law.md")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        '{"title": "中华人民共和国著作权法", "revision_date": "2020-11-11", '
        '"chapters": 6, "sections": 8, "articles": 67}'
    ]


def test_broken_text_exits_non_zero_in_a_subprocess(tmp_path):
    broken = tmp_path / "broken.md"
    broken.write_text(regulation_text(INTERNET).replace("\n第十二条 ", "\n"), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "manage.py", "import_regulation", "--dry-run", str(broken)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert result.returncode != 0
    assert result.stdout == ""
    assert f"{broken}: 第十三条：条文编号不连续，前一条为第十一条" in result.stderr


@pytest.mark.django_db
def test_dry_run_saves_nothing():
    out, _err = run("--dry-run", str(REGULATIONS_DIR / "administrative-penalty-law.md"))

    assert json.loads(out) == {
        "title": "中华人民共和国行政处罚法",
        "revision_date": "2021-01-22",
        "chapters": 8,
        "sections": 4,
        "articles": 86,
    }
    assert out.count("\n") == 1
    assert not Regulation.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_import_then_the_same_again_changes_nothing():
    path = str(REGULATIONS_DIR / "copyright-law.md")
    out, _err = run(path)
    regulation = Regulation.objects.get()
    article = Article.objects.get(revision=regulation.current_revision, number=9)

    assert json.loads(out)["articles"] == 67
    assert regulation.kind == Regulation.Kind.LAW
    assert regulation.issuing_body == "全国人民代表大会常务委员会"
    assert regulation.revision_date.isoformat() == "2020-11-11"
    assert article.chapter.number == 2 and article.section.number == 1
    assert regulation.current_revision.chapters.get(number=1).implied
    assert AuditEntry.objects.filter(action="regulation.imported").count() == 1

    again, _err = run(path)
    crlf = import_regulation(text=regulation_text("copyright-law.md").replace("\n", "\r\n"))

    assert again == out
    assert not crlf.created
    assert Revision.objects.count() == 1 and Article.objects.count() == 67
    assert Article.objects.get(pk=article.pk).text == article.text
    assert AuditEntry.objects.count() == 1


@pytest.mark.django_db
def test_several_files_print_one_line_each():
    out, _err = run(str(REGULATIONS_DIR / INTERNET_2022), str(REGULATIONS_DIR / INTERNET))

    assert [json.loads(line)["revision_date"] for line in out.splitlines()] == [
        "2022-03-29",
        "2024-12-06",
    ]
    assert Revision.objects.count() == 2


@pytest.mark.django_db
def test_a_broken_file_saves_nothing_and_names_the_article(tmp_path):
    broken = tmp_path / "broken.md"
    text = re.sub(r"(?m)^第十三条 ", "第十二条 ", regulation_text(INTERNET))
    broken.write_text(text, encoding="utf-8")
    empty = tmp_path / "empty.md"
    empty.write_text("\n", encoding="utf-8")
    latin = tmp_path / "latin1.md"
    latin.write_bytes("# 条例".encode("gb18030"))
    good = str(REGULATIONS_DIR / "copyright-law.md")

    with pytest.raises(CommandError):
        run(good, str(broken), str(empty), str(latin), str(tmp_path / "missing.md"))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_regulation", str(broken), stdout=StringIO(), stderr=err)

    lines = err.getvalue().splitlines()
    first, second = [n for n, line in enumerate(text.split("\n"), 1) if line.startswith("第十二条")]
    assert f"{broken}: 第十二条 重复（第{first}行和第{second}行）" in lines
    assert f"{broken}: 第十四条：条文编号不连续，前一条为第十二条" in lines
    assert not Regulation.objects.exists()
    dry_out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_regulation", "--dry-run", good, str(broken), stdout=dry_out)
    assert json.loads(dry_out.getvalue())["title"] == "中华人民共和国著作权法"
    problems = StringIO()
    with pytest.raises(CommandError):
        call_command("import_regulation", str(empty), str(latin), stderr=problems)
    assert "文件为空" in problems.getvalue() and "UTF-8" in problems.getvalue()


@pytest.mark.django_db
def test_same_date_different_text_needs_an_explicit_replace():
    load(INTERNET)
    corrected = regulation_text(INTERNET).replace("第一条 为了", "第一条 为")

    with pytest.raises(DomainError) as caught:
        import_regulation(text=corrected)
    assert caught.value.code == "revision_conflict"

    summary = import_regulation(text=corrected, replace=True)
    revision = Revision.objects.get()
    assert summary.details["replaced"]
    assert revision.articles.get(number=1).text.startswith("为加强")
    assert revision.articles.count() == 38 and revision.chapters.count() == 5


AMENDMENTS = [
    ("publication-administration-regulations", "2020-11-29", {61, 63, 65, 66, 71}),
    ("printing-industry-regulations", "2020-11-29", {36, 37, 40, 41, 42, 46}),
    ("internet-access-service-premises-regulations", "2022-03-29", {11, 32}),
    ("radio-television-regulations", "2020-11-29", {35, 48, 50}),
    ("audio-video-products-regulations", "2020-11-29", {39, 42, 43, 45, 47}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("stem", "previous", "changed"), AMENDMENTS)
def test_state_council_order_797_changes_exactly_the_documented_articles(stem, previous, changed):
    old = load(f"previous/{stem}.{previous}.md")
    new = load(f"{stem}.md")
    regulation = Regulation.objects.get()
    changes = changes_to(regulation.current_revision)

    assert regulation.kind == Regulation.Kind.ADMINISTRATIVE
    assert regulation.issuing_body == "国务院"
    assert regulation.current_revision.revision_date.isoformat() == "2024-12-06"
    assert Revision.objects.filter(revision_date=old.revision_date).exists()
    assert {c.old_article.number for c in changes if c.kind == "changed"} == changed
    assert {c.kind for c in changes} == {"changed", "unchanged"}
    assert all(c.old_article.number == c.new_article.number for c in changes)
    assert len(changes) == new.articles
    assert new.details["changes"]["changed"] == len(changed)


@pytest.mark.django_db
def test_cultural_relics_law_full_revision_matches_moved_articles():
    load("previous/cultural-relics-protection-law.2017-11-04.md")
    summary = load("cultural-relics-protection-law.md")
    counts = summary.details["changes"]

    assert summary.articles == 101
    matched = counts["changed"] + counts["renumbered"] + counts["unchanged"]
    assert matched >= 70  # of 80: a rewrite, not a replacement
    assert counts["removed"] == 80 - matched and counts["added"] == 101 - matched
    assert counts["renumbered"] > counts["changed"]
    changes = changes_to(Regulation.objects.get().current_revision)
    commencement = next(c for c in changes if c.old_article and c.old_article.number == 80)
    assert (commencement.kind, commencement.new_article.number) == ("renumbered", 101)
    assert commencement.text_changed
    # Every new article appears once, every old article once.
    assert len({c.new_article_id for c in changes if c.new_article_id}) == 101
    assert len({c.old_article_id for c in changes if c.old_article_id}) == 80


@pytest.mark.django_db
def test_article_current_follows_renumbering_and_removal():
    load("previous/cultural-relics-protection-law.2017-11-04.md")
    load("cultural-relics-protection-law.md")
    regulation = Regulation.objects.get()
    old_revision = regulation.revisions.first()
    changes = ArticleChange.objects.filter(from_revision=old_revision)
    renumbered = changes.filter(kind="renumbered").first()
    removed = changes.filter(kind="removed").first()
    latest = regulation.current_revision.articles.get(number=101)

    assert renumbered.old_article.current() == renumbered.new_article
    assert renumbered.new_article.number != renumbered.old_article.number
    assert removed.old_article.current() is None
    assert latest.current() == latest


@pytest.mark.django_db
def test_older_revision_imported_later_keeps_the_newer_one_current():
    load(INTERNET)
    load(INTERNET_2022)
    regulation = Regulation.objects.get()

    assert regulation.current_revision.revision_date.isoformat() == "2024-12-06"
    changes = changes_to(regulation.current_revision)
    assert {c.old_article.number for c in changes if c.kind == "changed"} == {11, 32}
    old_eleven = regulation.revisions.first().articles.get(number=11)
    assert old_eleven.current() == regulation.current_revision.articles.get(number=11)


@pytest.mark.django_db
def test_a_revision_inserted_between_two_replaces_their_direct_comparison():
    later = regulation_text(INTERNET).replace("2024年12月6日", "2026年1月1日")
    later = later.replace("第五条 ", "第五条 文化和旅游主管部门", 1)
    load(INTERNET_2022)
    import_regulation(text=later)
    load(INTERNET)
    first, middle, last = Regulation.objects.get().revisions.order_by("revision_date")

    assert not ArticleChange.objects.filter(from_revision=first, to_revision=last).exists()
    changed = ArticleChange.objects.filter(kind="changed")
    assert {c.old_article.number for c in changed.filter(to_revision=middle)} == {11, 32}
    assert {c.old_article.number for c in changed.filter(to_revision=last)} == {5}
    assert first.articles.get(number=5).current() == last.articles.get(number=5)


@pytest.mark.django_db
def test_review_flags_for_objects_citing_changed_articles(citations):
    load(INTERNET_2022)
    old = Regulation.objects.get().current_revision
    cites_changed, cites_unchanged = UserFactory(), UserFactory()
    citations[old.articles.get(number=11).pk] = [cites_changed]
    citations[old.articles.get(number=1).pk] = [cites_unchanged]

    summary = load(INTERNET)
    load(INTERNET)

    flag = ReviewFlag.objects.get()
    assert summary.details["flags"] == 1
    assert flag.content_object == cites_changed
    assert flag.article.number == 11 and flag.article.revision == old
    assert flag.change.kind == "changed" and "第十一条" in flag.reason
    assert not ReviewFlag.objects.for_object(cites_unchanged).exists()
    assert ReviewFlag.objects.for_object(cites_changed).open().count() == 1
    flag.resolve(cites_unchanged)
    assert not ReviewFlag.objects.open().exists()


@pytest.mark.django_db
def test_review_flags_for_removed_and_renumbered_articles(citations):
    load("previous/cultural-relics-protection-law.2017-11-04.md")
    old = Regulation.objects.get().current_revision
    citers = {n: UserFactory() for n in range(1, 81)}
    for number, user in citers.items():
        citations[old.articles.get(number=number).pk] = [user]

    load("cultural-relics-protection-law.md")

    kinds = dict(ReviewFlag.objects.values_list("article__number", "change__kind"))
    assert len(kinds) == 80  # nothing survived the rewrite unchanged
    assert {"removed", "renumbered"} <= set(kinds.values())


@pytest.mark.django_db
def test_diff_command_lists_the_changes():
    load(INTERNET_2022)
    load(INTERNET)
    out = StringIO()
    call_command("diff_regulation", "互联网上网服务营业场所管理条例", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[1:] == ["changed\t第十一条\t第十一条", "changed\t第三十二条\t第三十二条"]
    with pytest.raises(CommandError):
        call_command("diff_regulation", "不存在的条例")
