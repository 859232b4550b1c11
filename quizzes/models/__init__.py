from quizzes.models.attempts import *  # noqa: F403
from quizzes.models.bank import *  # noqa: F403
from quizzes.models.quizzes import *  # noqa: F403
