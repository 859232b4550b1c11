"""ASGI entry point: Django's HTTP views and the live finals' WebSockets.

Serve it with uvicorn: `uvicorn --app-dir site lianbing.asgi:application`.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianbing.settings")
# Under ASGI each request's sync code may run on a thread of its own: a connection kept for
# reuse would be left behind with that thread.
os.environ.setdefault("CONN_MAX_AGE", "0")

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


from lianbing.warmup import HOT_TEMPLATES, warm_up_and_freeze  # noqa: E402

warm_up_and_freeze((*HOT_TEMPLATES, "finals/host.html", "finals/team.html", "finals/screen.html"))
