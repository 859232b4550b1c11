from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("题库与考试")

    def ready(self):
        # Amendments flag questions citing changed articles; courses may require a quiz.
        from quizzes import citers, completion  # noqa: F401
