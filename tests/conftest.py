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
    """Frozen question versions, quizzes and draw candidates are cached per process by id;
    rolled-back tests reuse ids."""
    from quizzes.services import attempts, paper

    paper.version_payload.cache_clear()
    paper.forget_candidates()
    attempts._finalize_queued.clear()
    yield


@pytest.fixture(autouse=True)
def fresh_content_cache():
    """Published content is kept per process; rolled-back tests reuse page ids."""
    from lianbing import content_cache

    content_cache.forget()
    yield


@pytest.fixture(autouse=True)
def _seed_snapshot_before_the_first_database_test(request):
    """A transactional test flushes the seeded rows away, so the snapshot is taken as the
    first test that uses the database starts, whichever it is."""
    if request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames
    ):
        request.getfixturevalue("seed_snapshot")


@pytest.fixture(scope="session")
def seed_snapshot(django_db_setup, django_db_blocker):
    """The database as the migrations seeded it: home page, role groups, domains."""
    from django.db import connection

    with django_db_blocker.unblock():
        return connection.creation.serialize_db_to_string()


@pytest.fixture
def seeded_rows(seed_snapshot, django_db_blocker):
    """Starts a transactional test from the seeded rows.

    Transactional tests (every browser test: a live server) flush the database afterwards,
    seeded rows included. Django's serialized_rollback cannot restore them in browser tests
    because the test thread's connection changes once Playwright runs, and restoring at
    set-up does not depend on the order in which fixtures are torn down.
    """
    from django.apps import apps
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection

    with django_db_blocker.unblock():
        # A flush re-creates content types and permissions with new ids: clear them first.
        call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
        connection.creation.deserialize_db_from_string(seed_snapshot)
        # Restored rows keep their ids while the flush reset PostgreSQL's sequences; move the
        # sequences past them as loaddata does, or the next insert collides.
        models = list(apps.get_models(include_auto_created=True))
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
    yield
