"""CSRF: every URL of the matrix that takes a POST refuses one without a token (403).

The list is the matrix's: for each URL, a role its rule allows POSTs normally (the test
client skips CSRF checks); if the view takes the POST, the same POST from a client that
enforces CSRF must be refused, with no change made.
"""

import pytest

from tests.security.conftest import client_for
from tests.security.patterns import Outcome, outcome
from tests.security.probe import path_for, post
from tests.security.rules import RULES
from tests.security.world import ROLES


def allowed_role(key: str) -> str | None:
    expected = RULES[key].expected
    # A logged-in role first: anonymous POSTs (the login form) come last.
    for role in (*ROLES[1:], ROLES[0]):
        if expected[role] is Outcome.ALLOW:
            return role
    return None


CASES = [(key, allowed_role(key)) for key in RULES if allowed_role(key)]


@pytest.mark.parametrize(("key", "role"), CASES, ids=[key for key, _ in CASES])
def test_a_post_without_a_csrf_token_is_refused(world, db, key, role):
    path = path_for(world, key, RULES[key])
    guarded = client_for(world, role, enforce_csrf_checks=True)
    refused = post(world, guarded, key, path)
    with_token = post(world, client_for(world, role), key, path)
    if outcome(with_token) is Outcome.METHOD:
        pytest.skip("takes no POST")
    assert outcome(with_token) is not Outcome.ERROR, f"{path}: server error on POST"
    assert with_token.status_code != 403, f"{path}: the allowed role's POST is refused anyway"
    assert refused.status_code == 403, f"{path} as {role}: {refused.status_code} without a token"


def test_the_state_changing_urls_take_posts_so_the_check_above_covers_them(world, db):
    """The cases above find POST endpoints themselves; these must be among them."""
    for key in (
        "quizzes:save",
        "quizzes:submit",
        "hr:import",
        "hr:password_reset",
        "hours:review",
        "certificates:revoke",
        "finals:host_act",
        "finals:team_act",
        "classes:check_in",
        "people:login",
        "question_io:import",
        "regulation_admin:import",
    ):
        role = allowed_role(key)
        response = post(world, client_for(world, role), key, path_for(world, key, RULES[key]))
        assert outcome(response) not in (Outcome.METHOD, Outcome.ERROR), key
