from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinalsConfig(AppConfig):
    """Live finals on a stage: host console, team devices and the big-screen scoreboard."""

    name = "quizzes.finals"
    label = "finals"
    verbose_name = _("现场决赛")
