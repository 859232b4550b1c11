from courses.models.regulations import *  # noqa: F401,F403
from courses.models.pages import *  # noqa: F401,F403, I001
from courses.models.learning import *  # noqa: F401,F403, I001
