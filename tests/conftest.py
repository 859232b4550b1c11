import pytest
from django.conf import settings
from django.utils import translation

from tests.factories import make_unit


@pytest.fixture
def city(db):
    """A small service: 全市 → 市局 (→ 一支队), 东区局 (→ 一中队), 西区局."""
    root = make_unit("全市文化市场综合执法", "C00", kind="service")
    bureau = make_unit("市文化市场综合执法局", "C01", parent=root, kind="city_bureau")
    detachment = make_unit("执法一支队", "C0101", parent=bureau, kind="detachment")
    east = make_unit("东区文化执法局", "D01", parent=root, kind="district_bureau")
    east_squad = make_unit("东区一中队", "D0101", parent=east, kind="squad")
    west = make_unit("西区文化执法局", "D02", parent=root, kind="district_bureau")
    from people.models import Unit

    def fresh(unit):
        return Unit.objects.get(pk=unit.pk)  # treebeard caches numchild on stale instances

    return {
        "root": fresh(root),
        "bureau": fresh(bureau),
        "detachment": fresh(detachment),
        "east": fresh(east),
        "east_squad": fresh(east_squad),
        "west": fresh(west),
    }


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in Chinese: a request that chose English leaves it active in the thread."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def fresh_version_cache():
    """Frozen question versions are cached per process by id; rolled-back tests reuse ids."""
    from quizzes.services.attempts import version_payload

    version_payload.cache_clear()
    yield
