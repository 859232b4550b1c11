from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("证书")

    def ready(self):
        # Connects course completion (and exam passes, where quizzes sends the signal) to
        # automatic issue.
        from certificates import receivers

        receivers.connect_quiz_signal()
