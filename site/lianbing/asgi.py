"""ASGI entry point: Django's HTTP views and the live finals' WebSockets.

Serve it with uvicorn: `uvicorn --app-dir site lianbing.asgi:application`.
"""

import gc
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianbing.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

# Django is set up before anything imports models (the consumers do).
django_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from quizzes.finals.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)


def _warm_up_and_freeze() -> None:
    """Import every view and compile the live pages' templates now, then exempt all of it
    from garbage collection: it lives as long as the process, and the collector's full passes
    over it stalled every connected device for 100–150 ms (bench/final_live.py)."""
    from django.template.loader import get_template
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every URLconf and view module
    for name in ("finals/host.html", "finals/team.html", "finals/screen.html", "base.html"):
        get_template(name)
    gc.freeze()


_warm_up_and_freeze()
