from courses.models.classes import *  # noqa: F403
from courses.models.learning import *  # noqa: F403
from courses.models.pages import *  # noqa: F403
from courses.models.regulations import *  # noqa: F403
