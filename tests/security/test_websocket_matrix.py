"""The WebSocket routes × every role: who may listen to a live final.

The routes come from the ASGI router, so a new consumer without a rule fails here. The
consumers run in threads with their own database connections, so this module builds its
world in committed data (transactional_db) once, and checks every route and role in one
test, listing every mismatch.
"""

import pytest
from django.test import Client

from quizzes.finals.routing import websocket_urlpatterns
from tests.quizzes.finals.test_consumers import communicator, run
from tests.security.world import ROLES, build_world

ALLOW, REFUSE = "allow", "refuse"


def _everyone(outcome: str) -> dict[str, str]:
    return dict.fromkeys(ROLES, outcome)


# route pattern → (path built from the world, expected outcome by role)
WS_RULES = {
    # Host console and team devices: the final's hosts, administrators and its players.
    "ws/finals/<int:final_id>/": (
        lambda w: f"/ws/finals/{w.final.pk}/",
        {**_everyone(REFUSE), "officer": ALLOW, "other_officer": ALLOW}
        | {"trainer": ALLOW, "admin": ALLOW},
    ),
    # The projector needs no login: the unguessable token is the key.
    "ws/finals/screen/<str:token>/": (
        lambda w: f"/ws/finals/screen/{w.final.screen_token}/",
        _everyone(ALLOW),
    ),
}
# The same routes with a forged id or token: nobody may listen.
FORGED = {
    "ws/finals/<int:final_id>/": lambda w: f"/ws/finals/{w.final.pk + 1000}/",
    "ws/finals/screen/<str:token>/": lambda w: "/ws/finals/screen/forged-token-0000/",
}


def _routes() -> set[str]:
    return {str(pattern.pattern) for pattern in websocket_urlpatterns}


def test_every_websocket_route_has_a_rule():
    assert _routes() == set(WS_RULES) == set(FORGED)


def _cookie(user) -> str:
    if user is None:
        return ""
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


async def _connects(path: str, cookie: str) -> bool:
    ws = communicator(path, cookie)
    connected, _code = await ws.connect(timeout=5)
    if connected:
        message = await ws.receive_json_from(timeout=5)
        assert "version" in message  # the snapshot comes at once
        await ws.disconnect()
    return connected


@pytest.mark.django_db(transaction=True)
def test_each_role_may_listen_to_a_final_exactly_as_the_rules_say(seeded_rows, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    world = build_world()
    cookies = {role: _cookie(world.users[role]) for role in ROLES}
    wrong = []
    for route, (path_of, expected) in WS_RULES.items():
        for role in ROLES:
            got = ALLOW if run(_connects(path_of(world), cookies[role])) else REFUSE
            if got != expected[role]:
                wrong.append(f"{route} as {role}: expected {expected[role]}, got {got}")
            if run(_connects(FORGED[route](world), cookies[role])):
                wrong.append(f"{route} with a forged id or token as {role}: connected")
    assert not wrong, "\n".join(wrong)
