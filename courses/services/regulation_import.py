"""Import a regulation text (see regulation_parser) as a revision of the regulation library."""

import datetime
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from courses.models import (
    Article,
    ArticleChange,
    Chapter,
    Regulation,
    Revision,
    Section,
    kind_for_title,
)
from courses.services.amendments import flag_citing_objects
from courses.services.regulation_diff import diff_articles, summarise
from courses.services.regulation_parser import ParsedRegulation, parse_regulation
from lianbing.errors import DomainError
from people.services import audit


def decode_regulation_text(data: bytes) -> str:
    """A regulation file's bytes as text, or DomainError saying plainly why not."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DomainError(
            _("文件不是 UTF-8 编码（第 %(byte)d 字节处无法解码）") % {"byte": error.start + 1},
            code="file_encoding",
        ) from None
    if not text.strip():
        raise DomainError(_("文件为空"), code="file_empty")
    return text


_STATUS = {
    "有效": Regulation.Status.CURRENT,
    "现行有效": Regulation.Status.CURRENT,
    "已修改": Regulation.Status.AMENDED,
    "已修订": Regulation.Status.AMENDED,
    "已被修改": Regulation.Status.AMENDED,
    "废止": Regulation.Status.REPEALED,
    "已废止": Regulation.Status.REPEALED,
    "失效": Regulation.Status.REPEALED,
    "已失效": Regulation.Status.REPEALED,
}


def regulations_dir() -> Path:
    """The shared regulation texts: `shared/` beside the checkout, as CI clones it."""
    configured = os.environ.get("LIANBING_REGULATIONS_DIR")
    return (
        Path(configured)
        if configured
        else Path(settings.BASE_DIR).parent / "shared" / "regulations"
    )


@dataclass
class ImportSummary:
    title: str
    revision_date: datetime.date
    chapters: int
    sections: int
    articles: int
    # created, replaced, dry_run, changes (count per kind against the previous revision),
    # flags, warnings…: everything the fixed JSON summary leaves out.
    details: dict = field(default_factory=dict)

    @property
    def created(self) -> bool:
        return bool(self.details.get("created"))

    def as_json_dict(self) -> dict:
        """Exactly the five keys the command prints (and checkers compare)."""
        return {
            "title": self.title,
            "revision_date": self.revision_date.isoformat(),
            "chapters": self.chapters,
            "sections": self.sections,
            "articles": self.articles,
        }


def summary_for(parsed: ParsedRegulation, **details) -> ImportSummary:
    return ImportSummary(
        title=parsed.title,
        revision_date=parsed.revision_date,
        **parsed.counts(),
        details={"created": False, "warnings": list(parsed.warnings), **details},
    )


def import_regulation(
    *,
    text: str,
    source_name: str = "",
    actor=None,
    dry_run: bool = False,
    replace: bool = False,
    kind: str | None = None,
) -> ImportSummary:
    """Parse, validate and (unless dry_run) save one text; all or nothing.

    The same text again changes nothing. A text dated like an existing revision but worded
    differently is refused unless `replace` says it is a deliberate correction.
    """
    parsed = parse_regulation(text, source_name=source_name)
    if dry_run:
        return summary_for(parsed, dry_run=True)
    with transaction.atomic():
        return _save(parsed, actor=actor, replace=replace, kind=kind)


def _save(parsed: ParsedRegulation, *, actor, replace: bool, kind: str | None) -> ImportSummary:
    regulation = Regulation.objects.select_for_update().filter(title=parsed.title).first()
    if regulation is None:
        regulation = Regulation.objects.create(
            title=parsed.title,
            slug=_unique_slug(parsed.title),
            kind=kind or kind_for_title(parsed.title),
            issuing_body=issuing_body(parsed.header_lines),
        )
    content_hash = parsed.content_hash()
    same = regulation.revisions.filter(content_hash=content_hash).first()
    if same is not None:
        return summary_for(parsed, dry_run=False, revision_id=same.pk, regulation_id=regulation.pk)
    revision = regulation.revisions.filter(revision_date=parsed.revision_date).first()
    if revision is not None and not replace:
        raise DomainError(
            _("《%(title)s》已有%(date)s的文本，但内容与本次导入不同；如确为更正，请明确选择替换。")
            % {"title": parsed.title, "date": parsed.revision_date.isoformat()},
            code="revision_conflict",
        )
    replaced = revision is not None
    fields = {
        "effective_date": parsed.effective_date,
        "header": "\n".join(parsed.header_lines),
        "source_name": parsed.source_name[:255],
        "source_note": parsed.source_note[:255],
        "status_line": parsed.status[:50],
        "content_hash": content_hash,
        "imported_by": actor if getattr(actor, "is_authenticated", False) else None,
    }
    if replaced:
        Revision.objects.filter(pk=revision.pk).update(**fields)
        revision.refresh_from_db()
    else:
        revision = Revision.objects.create(
            regulation=regulation, revision_date=parsed.revision_date, **fields
        )
    _write_structure(revision, parsed)

    previous, following = revision.previous(), revision.next()
    # The new revision sits between its neighbours: their direct comparison no longer holds.
    ArticleChange.objects.filter(to_revision=revision).delete()
    ArticleChange.objects.filter(from_revision=revision).delete()
    if previous and following:
        ArticleChange.objects.filter(from_revision=previous, to_revision=following).delete()
    rows, counts = [], {}
    if previous:
        incoming = _link(regulation, previous, revision)
        rows += incoming
        counts = summarise(incoming)
    if following:
        rows += _link(regulation, revision, following)
    flags = flag_citing_objects(rows)

    newest = regulation.revisions.order_by("-revision_date").first()
    if regulation.current_revision_id != newest.pk:
        regulation.current_revision = newest
        regulation.status = _STATUS.get(newest.status_line, Regulation.Status.CURRENT)
        regulation.save(update_fields=["current_revision", "status"])
    summary = summary_for(
        parsed,
        dry_run=False,
        created=True,
        replaced=replaced,
        regulation_id=regulation.pk,
        revision_id=revision.pk,
        is_current=newest.pk == revision.pk,
        previous_revision_date=previous.revision_date.isoformat() if previous else None,
        changes=counts,
        flags=len(flags),
    )
    audit.record(
        actor=actor,
        action="regulation.imported",
        target=revision,
        revision_date=parsed.revision_date.isoformat(),
        replaced=replaced,
        source=parsed.source_name,
        changes=counts,
        flags=len(flags),
    )
    return summary


def _write_structure(revision: Revision, parsed: ParsedRegulation):
    """(Re)build chapters, sections and articles; articles keep their rows on a replace."""
    revision.chapters.all().delete()
    chapters, sections = {}, {}
    for order, parsed_chapter in enumerate(parsed.chapters):
        chapter = Chapter.objects.create(
            revision=revision,
            number=parsed_chapter.number,
            title=parsed_chapter.title[:100],
            implied=parsed_chapter.implied,
            order=order,
        )
        chapters[chapter.number] = chapter
        for section_order, parsed_section in enumerate(parsed_chapter.sections):
            sections[(chapter.number, parsed_section.number)] = Section.objects.create(
                chapter=chapter,
                number=parsed_section.number,
                title=parsed_section.title[:100],
                order=section_order,
            )
    existing = {(a.number, a.sub_number): a for a in revision.articles.all()}
    keep, create = [], []
    for position, parsed_article in enumerate(parsed.articles):
        article = existing.pop(parsed_article.sort_key, None) or Article(revision=revision)
        article.chapter = chapters.get(parsed_article.chapter_number)
        article.section = sections.get(
            (parsed_article.chapter_number, parsed_article.section_number)
        )
        article.number, article.sub_number = parsed_article.sort_key
        article.display = parsed_article.display
        article.paragraphs = parsed_article.paragraphs
        article.text = parsed_article.text
        article.position = position
        (keep if article.pk else create).append(article)
    Article.objects.filter(pk__in=[a.pk for a in existing.values()]).delete()
    Article.objects.bulk_update(
        keep, ["chapter", "section", "display", "paragraphs", "text", "position"]
    )
    Article.objects.bulk_create(create)


def _link(regulation: Regulation, old: Revision, new: Revision) -> list[ArticleChange]:
    changes = diff_articles(list(old.articles.all()), list(new.articles.all()))
    rows = [
        ArticleChange(
            regulation=regulation,
            from_revision=old,
            to_revision=new,
            kind=change.kind,
            old_article=change.old,
            new_article=change.new,
            similarity=change.similarity,
            text_changed=change.text_changed,
        )
        for change in changes
    ]
    return ArticleChange.objects.bulk_create(rows)


def issuing_body(header_lines: list[str]) -> str:
    """From the enacting line of the 题注: 全国人民代表大会常务委员会, 国务院令 → 国务院…"""
    first = header_lines[0] if header_lines else ""
    if match := re.search(r"全国人民代表大会(常务委员会)?", first):
        return match[0]
    if match := re.search(r"(?:中华人民共和国)?([\u4e00-\u9fff]{2,20}?)令第", first):
        return match[1]
    return ""


def _unique_slug(title: str) -> str:
    base = slugify(title, allow_unicode=True)[:190] or "regulation"
    slug, n = base, 1
    while Regulation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug
