"""The security suite's fixtures: one world per module, each test rolled back on top of it."""

import pytest
from django.db import transaction
from django.test import Client, override_settings
from hypothesis import settings as hypothesis_settings

from lianbing import content_cache
from tests.security.world import build_world

# Modest, reproducible fuzzing: no example database in the checkout, no deadline on a
# shared two-core machine.
hypothesis_settings.register_profile(
    "lianbing", max_examples=60, deadline=None, database=None, derandomize=True
)
hypothesis_settings.load_profile("lianbing")


@pytest.fixture(scope="module")
def world(seed_snapshot, django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once per module inside a transaction that is rolled back after the module;
    each test's own `db` transaction is a savepoint inside it. Uploaded media go to a
    temporary folder. The seeded rows' snapshot is taken first: taken inside the world's
    transaction it would hold the world, and restoring it would collide with it."""
    from quizzes.services.attempts import version_payload

    # Frozen questions are cached by id, and earlier (rolled-back) tests reused the ids.
    version_payload.cache_clear()
    content_cache.forget()
    media = tmp_path_factory.mktemp("media")
    with (
        override_settings(MEDIA_ROOT=str(media)),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)


def client_for(world, role: str, **kwargs) -> Client:
    client = Client(**kwargs)
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return client
