from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LianbingConfig(AppConfig):
    name = "lianbing"
    verbose_name = _("练兵平台")

    def ready(self):
        from lianbing.content_cache import connect_signals

        connect_signals()
