"""WSGI entry point: `gunicorn --chdir site lianbing.wsgi` (see docs/deploy.md)."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianbing.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

from lianbing.warmup import warm_up_and_freeze  # noqa: E402

warm_up_and_freeze()
