"""Settings for bench/exam_day.py's gunicorn: the production settings plus a bare view.

Only two things differ from `lianbing.settings`: the URLconf (the project's URLs plus
`/bench/bare/`) and static files served without a manifest, so the benchmark does not need
`collectstatic` (none of the measured responses renders a static URL).
"""

from lianbing.settings import *  # noqa: F403
from lianbing.settings import STORAGES

ROOT_URLCONF = "bench_urls"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
