"""The permission matrix: every URL the project defines × every role, as rules.py says.

The URL list comes from the resolver, so a new view without a rule fails here, and so does
a rule for a URL that no longer exists. No request may end in a server error.
"""

import pytest
from django.urls import reverse

from tests.security.conftest import client_for
from tests.security.patterns import (
    ADMIN_RULE,
    Outcome,
    covered_patterns,
    outcome,
    project_model_admin_patterns,
)
from tests.security.probe import assert_pattern_has_params, path_for, request
from tests.security.rules import RULES
from tests.security.world import ROLES

COVERED = covered_patterns()
CASES = [(key, role) for key in RULES for role in ROLES]


def test_every_url_pattern_of_the_project_has_a_rule():
    missing = sorted(set(COVERED) - set(RULES))
    assert not missing, (
        "URL patterns without a permission rule in tests/security/rules.py: " + ", ".join(missing)
    )


def test_every_rule_names_a_url_that_still_exists():
    gone = sorted(set(RULES) - set(COVERED) - {ADMIN_RULE})
    assert not gone, "rules for URLs the project no longer defines: " + ", ".join(gone)


def test_every_rule_gives_its_url_arguments_and_every_role():
    for key, rule in RULES.items():
        assert set(rule.expected) == set(ROLES), key
        if key in COVERED:
            assert_pattern_has_params(COVERED[key], rule)


@pytest.mark.parametrize(("key", "role"), CASES, ids=[f"{k}-{r}" for k, r in CASES])
def test_url_answers_each_role_as_its_rule_says(world, db, key, role):
    rule = RULES[key]
    path = path_for(world, key, rule)
    response, got = request(world, client_for(world, role), key, path)
    assert got is not Outcome.ERROR, f"{path} as {role}: server error {response.status_code}"
    where = response.get("Location", "")
    assert got == rule.expected[role], (
        f"{key} ({path}) as {role}: expected {rule.expected[role]}, "
        f"got {got} ({response.status_code} {where})"
    )


def test_the_home_page_is_public_and_course_pages_need_a_login(world, db):
    assert outcome(client_for(world, "anonymous").get("/")) is Outcome.ALLOW
    course = world.course.get_url()
    assert outcome(client_for(world, "anonymous").get(course)) is Outcome.LOGIN
    assert outcome(client_for(world, "other_officer").get(course)) is Outcome.ALLOW


# --- Wagtail's generic admin views over the project's models -------------------------------
MODEL_ADMIN = project_model_admin_patterns()
# HR uploads its units' contest entries and reads competitions and awards (by design:
# quizzes/competitions/migrations/0003_role_permissions.py).
HR_COMPETITION_VIEWS = {
    f"wagtailsnippets_competitions_{model}:{view}"
    for model, views in {
        "competition": ("list", "list_results"),
        "entry": ("list", "list_results", "add"),
        "award": ("list", "list_results"),
    }.items()
    for view in views
}


def _hr_may_open(key: str) -> bool:
    # Wagtail's choosers ask only for admin access; they list titles and stems, never keys
    # (test_answer_keys checks that).
    return key.startswith("wagtailsnippetchoosers_") or key in HR_COMPETITION_VIEWS


@pytest.mark.parametrize("pattern", MODEL_ADMIN, ids=[p.key for p in MODEL_ADMIN])
def test_admin_views_of_project_models_refuse_officers_and_hr(world, db, pattern):
    path = reverse(pattern.key)
    for role in ROLES:
        got = outcome(client_for(world, role).get(path))
        assert got is not Outcome.ERROR, f"{path} as {role}: server error"
        if role in ("anonymous", "officer", "other_officer"):
            assert got is Outcome.LOGIN, f"{path} as {role}: {got}"
        elif role in ("other_hr", "unit_hr", "city_hr") and not _hr_may_open(pattern.key):
            assert got is Outcome.DENY, f"{path} as {role}: {got}"


def test_the_audit_log_lists_for_administrators_without_a_server_error(world, db):
    """Regression: its list linked to the add view it had removed (NoReverseMatch)."""
    response = client_for(world, "admin").get(reverse("auditentry:index"))
    assert response.status_code == 200
