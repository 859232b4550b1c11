"""Settings of a `manage.py db_worker` started by a test: the test settings pointed at the
test run's own database (pytest-django's test database, which the live server serves)."""

import json
import os

from tests.settings import *  # noqa: F403
from tests.settings import DATABASES

DATABASES["default"]["NAME"] = os.environ["LIANBING_WORKER_DB_NAME"]
for name, value in json.loads(os.environ.get("LIANBING_WORKER_SETTINGS", "{}")).items():
    globals()[name] = value
