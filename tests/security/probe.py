"""Requesting a URL of the matrix as one role: the path from the rule, GET then POST."""

import json

from django.test import Client
from django.urls import reverse

from tests.security.patterns import ADMIN_RULE, Pattern, outcome
from tests.security.rules import JSON_BODIES, Rule


def _value(world, spec):
    if not isinstance(spec, str):
        return spec
    name, _, attribute = spec.partition(".")
    obj = getattr(world, name)
    return getattr(obj, attribute) if attribute else obj.pk


def path_for(world, key: str, rule: Rule) -> str:
    if key == ADMIN_RULE:
        return "/admin/"
    if rule.path:
        return getattr(world, rule.path)
    return reverse(key, kwargs={name: _value(world, spec) for name, spec in rule.kwargs.items()})


def post(world, client: Client, key: str, path: str, **extra):
    body = JSON_BODIES.get(key)
    if body is not None:
        data = json.dumps(body(world))
        return client.post(path, data, content_type="application/json", **extra)
    return client.post(path, **extra)


def request(world, client: Client, key: str, path: str):
    """GET the URL; a view that only takes POST (405) is POSTed to instead, without data
    (JSON endpoints get the body rules.JSON_BODIES gives)."""
    response = client.get(path)
    if response.status_code == 405:
        response = post(world, client, key, path)
    return response, outcome(response)


def assert_pattern_has_params(pattern: Pattern, rule: Rule) -> None:
    if not rule.path:
        assert set(rule.kwargs) == set(pattern.params), (
            f"{pattern.key}: the rule gives {sorted(rule.kwargs)}, the URL takes "
            f"{sorted(pattern.params)}"
        )
