"""The project's URL patterns, found by walking the resolver, and how a response is judged.

Covered one by one: every pattern outside the Wagtail admin, and the project's own views
inside it (view callables whose module belongs to one of the project's packages). The rest
of the admin is Wagtail's: one rule for its prefix.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

from django.urls import URLPattern, URLResolver, get_resolver

PROJECT_PACKAGES = ("lianbing", "people", "courses", "quizzes", "certificates")
ADMIN_PREFIX = "admin/"
ADMIN_RULE = "<wagtail admin>"


@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", or the route for an unnamed pattern
    route: str
    module: str
    params: tuple[str, ...]
    model: str = ""  # app label of a Wagtail viewset's model, if any

    @property
    def in_admin(self) -> bool:
        return self.route.startswith(ADMIN_PREFIX)

    @property
    def is_project_view(self) -> bool:
        return self.module.split(".")[0] in PROJECT_PACKAGES


def _module(callback) -> str:
    view_class = getattr(callback, "view_class", None)
    return (view_class or callback).__module__


def _model_app(callback) -> str:
    model = (getattr(callback, "view_initkwargs", None) or {}).get("model")
    if isinstance(model, str):  # "app_label.Model"
        from django.apps import apps

        model = apps.get_model(model)
    return model._meta.app_config.name if model is not None else ""


def _route(pattern) -> str:
    return str(pattern.pattern)


def _params(route: str) -> tuple[str, ...]:
    found = re.findall(r"<(?:\w+:)?(\w+)>", route)
    found += re.findall(r"\(\?P<(\w+)>", route)
    return tuple(found)


def walk(resolver=None, prefix: str = "", namespaces: tuple = ()):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            spaces = namespaces + ((entry.namespace,) if entry.namespace else ())
            yield from walk(entry, prefix + _route(entry), spaces)
        elif isinstance(entry, URLPattern):
            route = prefix + _route(entry)
            key = ":".join(namespaces + (entry.name,)) if entry.name else route
            yield Pattern(
                key=key,
                route=route,
                module=_module(entry.callback),
                params=_params(route),
                model=_model_app(entry.callback),
            )


def covered_patterns() -> dict[str, Pattern]:
    """The patterns that need a rule each, by key."""
    found: dict[str, Pattern] = {}
    for pattern in walk():
        if pattern.in_admin and not pattern.is_project_view:
            continue
        assert pattern.key not in found, f"two URL patterns share the key {pattern.key}"
        found[pattern.key] = pattern
    return found


def project_model_admin_patterns() -> list[Pattern]:
    """Wagtail's generic admin views (snippets, model viewsets) over the project's models
    that take no object id: the list, results and add pages of each."""
    return [
        p
        for p in walk()
        if p.in_admin
        and not p.is_project_view
        and p.model.split(".")[0] in PROJECT_PACKAGES
        and not p.params
    ]


class Outcome(StrEnum):
    ALLOW = "allow"  # the view ran: 2xx, a redirect elsewhere, or a 400/409 about the input
    LOGIN = "login"  # sent to a login page (ours or the admin's)
    DENY = "deny"  # 403, or Wagtail's "no permission" redirect to the admin home
    HIDDEN = "hidden"  # 404: the object does not exist for this user
    METHOD = "method"  # 405: never expected after the matrix retries with POST
    ERROR = "error"  # 5xx: never acceptable


LOGIN_PATHS = ("/accounts/login/", "/admin/login/")


def outcome(response) -> Outcome:
    status = response.status_code
    if status >= 500:
        return Outcome.ERROR
    if status in (301, 302, 303, 307):
        location = response["Location"].split("?")[0]
        location = re.sub(r"^https?://[^/]+", "", location)
        if location in LOGIN_PATHS:
            return Outcome.LOGIN
        if location == "/admin/":
            return Outcome.DENY
        return Outcome.ALLOW
    if status == 403:
        return Outcome.DENY
    if status == 404:
        return Outcome.HIDDEN
    if status == 405:
        return Outcome.METHOD
    return Outcome.ALLOW
