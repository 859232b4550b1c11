from courses.models.regulations import *  # noqa: F401,F403
