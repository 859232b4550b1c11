from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("法规课程")

    def ready(self):
        # Registers the lesson citer, so importing an amendment flags the lessons it affects.
        # Connects course completion to the training-hour ledger.
        from courses import (
            citers,  # noqa: F401
            hours,  # noqa: F401
        )
        from courses.models import Regulation
        from lianbing.content_cache import renew_on_write

        # Lesson bodies render the current revision of the regulations they cite.
        renew_on_write(Regulation)
