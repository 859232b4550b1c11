from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("法规课程")

    def ready(self):
        # Registers the lesson citer, so importing an amendment flags the lessons it affects.
        from courses import citers  # noqa: F401
