import os
from pathlib import Path

import pytest

# CI clones the repository with `shared/` beside it.
REGULATIONS_DIR = Path(
    os.environ.get("LIANBING_REGULATIONS_DIR")
    or Path(__file__).resolve().parents[2] / ".." / "shared" / "regulations"
)


def regulation_text(name: str) -> str:
    return (REGULATIONS_DIR / name).read_text(encoding="utf-8")


@pytest.fixture
def citations():
    """A citer registered for one test: {article pk: [objects citing it]}."""
    from courses.services.amendments import register_article_citer, unregister_article_citer

    cited: dict[int, list] = {}

    def citer(articles):
        return [obj for article in articles for obj in cited.get(article.pk, [])]

    register_article_citer(citer)
    yield cited
    unregister_article_citer(citer)
