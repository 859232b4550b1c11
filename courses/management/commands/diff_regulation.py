"""`manage.py diff_regulation TITLE [--from DATE] [--to DATE]`: what an amendment changed."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from courses.models import ArticleChange, Regulation, Revision
from courses.services.regulation_diff import diff_articles


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("日期格式应为 YYYY-MM-DD：%(value)s") % {"value": value}) from None


class Command(BaseCommand):
    help = "列出法规两个文本之间的条文变化（默认：现行文本与前一文本）。"

    def add_arguments(self, parser):
        parser.add_argument("title", help="法规名称")
        parser.add_argument("--from", dest="from_date", type=_date, help="旧文本修订日期")
        parser.add_argument("--to", dest="to_date", type=_date, help="新文本修订日期")
        parser.add_argument("--all", action="store_true", help="也列出未修改的条文")

    def handle(self, *args, title, from_date=None, to_date=None, all=False, **options):
        regulation = Regulation.objects.filter(title=title).first()
        if regulation is None:
            raise CommandError(_("没有名为《%(title)s》的法规") % {"title": title})
        new = self._revision(regulation, to_date) if to_date else regulation.current_revision
        old = self._revision(regulation, from_date) if from_date else (new and new.previous())
        if new is None or old is None:
            raise CommandError(_("《%(title)s》只有一个文本，无可比较") % {"title": title})
        stored = ArticleChange.objects.filter(from_revision=old, to_revision=new).select_related(
            "old_article", "new_article"
        )
        # Stored rows exist for consecutive revisions; any other pair is compared on the fly.
        changes = [(c.kind, c.old_article, c.new_article, c.text_changed) for c in stored] or [
            (c.kind, c.old, c.new, c.text_changed)
            for c in diff_articles(list(old.articles.all()), list(new.articles.all()))
        ]
        self.stdout.write(f"{old} → {new}")
        for kind, old_article, new_article, text_changed in changes:
            if kind == ArticleChange.Kind.UNCHANGED and not all:
                continue
            label = kind + (
                "+text" if kind == ArticleChange.Kind.RENUMBERED and text_changed else ""
            )
            self.stdout.write(
                "\t".join(
                    [
                        label,
                        old_article.display if old_article else "-",
                        new_article.display if new_article else "-",
                    ]
                )
            )

    def _revision(self, regulation: Regulation, date: datetime.date) -> Revision:
        revision = regulation.revisions.filter(revision_date=date).first()
        if revision is None:
            raise CommandError(
                _("《%(title)s》没有 %(date)s 的文本") % {"title": regulation, "date": date}
            )
        return revision
