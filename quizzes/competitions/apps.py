from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetitionsConfig(AppConfig):
    """Knowledge competitions and judged contests: preliminaries, rankings and awards."""

    name = "quizzes.competitions"
    label = "competitions"
    verbose_name = _("竞赛与评比")
