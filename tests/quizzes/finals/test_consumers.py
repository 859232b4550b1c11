"""The WebSocket side, in process: who may listen, and what a (re)connecting device sees."""

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.testing import ApplicationCommunicator
from django.test import Client

from quizzes.finals.services.live import perform
from tests.factories import PASSWORD
from tests.quizzes.finals.factory import build_final

pytestmark = pytest.mark.django_db(transaction=True)


def run(coroutine):
    """Runs on a fresh event loop in its own thread: Playwright's sync API (the browser tests,
    earlier in the session) leaves a running loop in the test thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=60)


class WebsocketCommunicator(ApplicationCommunicator):
    """A WebSocket client for an ASGI app (channels.testing needs daphne, which we do not run)."""

    def __init__(self, application, path: str, headers: list):
        super().__init__(
            application,
            {"type": "websocket", "path": path, "headers": headers, "query_string": b""},
        )

    async def connect(self, timeout: float = 5):
        await self.send_input({"type": "websocket.connect"})
        reply = await self.receive_output(timeout)
        if reply["type"] == "websocket.close":
            return False, reply.get("code", 1000)
        return True, None

    async def receive_json_from(self, timeout: float = 5):
        reply = await self.receive_output(timeout)
        assert reply["type"] == "websocket.send", reply
        return json.loads(reply["text"])

    async def disconnect(self, code: int = 1000, timeout: float = 5):
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)


def session_cookie(user) -> str:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return f"sessionid={client.cookies['sessionid'].value}"


def communicator(path: str, cookie: str = "") -> WebsocketCommunicator:
    from lianbing.asgi import application

    headers = [(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, path, headers=headers)


async def first_message(path: str, cookie: str = ""):
    """(connected, snapshot or close code)"""
    ws = communicator(path, cookie)
    connected, code = await ws.connect(timeout=5)
    if not connected:
        return False, code
    message = await ws.receive_json_from(timeout=5)
    await ws.disconnect()
    return True, message


def test_a_device_that_reconnects_sees_the_current_state_at_once():
    live = build_final()
    cookie = session_cookie(live.members[0][0].user)
    path = f"/ws/finals/{live.final.pk}/"
    connected, before = run(first_message(path, cookie))
    assert connected and before["phase"] == "idle" and before["round"] is None
    # While the phone is away: a round, a question, buzzers open, a buzz.
    buzzer = live.rounds["buzzer"].pk
    question = live.questions["buzzer"][0].pk
    perform(final_id=live.final.pk, kind="start_round", actor=live.host, data={"round_id": buzzer})
    perform(
        final_id=live.final.pk,
        kind="show_question",
        actor=live.host,
        data={"question_id": question},
    )
    perform(final_id=live.final.pk, kind="open_buzzers", actor=live.host)
    perform(final_id=live.final.pk, kind="buzz", actor=None, team_id=live.teams[2].pk)
    connected, after = run(first_message(path, cookie))
    assert connected
    assert after["round"]["id"] == buzzer and after["question"]["id"] == question
    assert after["phase"] == "answering" and after["answering_team"] == live.teams[2].pk
    assert after["version"] == 4 and after["question"]["answer"] is None


def test_connected_devices_receive_each_action_as_it_happens():
    live = build_final()
    cookie = session_cookie(live.members[1][0].user)

    async def scenario():
        team_ws = communicator(f"/ws/finals/{live.final.pk}/", cookie)
        screen_ws = communicator(f"/ws/finals/screen/{live.final.screen_token}/")
        for ws in (team_ws, screen_ws):
            assert (await ws.connect(timeout=5))[0]
            await ws.receive_json_from(timeout=5)
        await asyncio.get_running_loop().run_in_executor(
            None,
            lambda: perform(
                final_id=live.final.pk,
                kind="adjust",
                actor=live.host,
                team_id=live.teams[1].pk,
                data={"delta": "5"},
                reason="主持人加分",
            ),
        )
        received = [await ws.receive_json_from(timeout=5) for ws in (team_ws, screen_ws)]
        for ws in (team_ws, screen_ws):
            await ws.disconnect()
        return received

    for snapshot in run(scenario()):
        scores = {team["id"]: team["score"] for team in snapshot["teams"]}
        assert scores[live.teams[1].pk] == 105 and snapshot["version"] == 1


def test_outsiders_and_anonymous_users_cannot_listen_to_a_final():
    live = build_final()
    other = build_final(teams=2, members=1)
    path = f"/ws/finals/{live.final.pk}/"
    assert run(first_message(path))[0] is False
    assert run(first_message(path, session_cookie(other.members[0][0].user)))[0] is False
    assert run(first_message("/ws/finals/screen/not-the-token/"))[0] is False
    assert run(first_message(path, session_cookie(live.host)))[0] is True


def test_a_foreign_origin_is_refused():
    live = build_final()

    async def connect():
        from lianbing.asgi import application

        ws = WebsocketCommunicator(
            application,
            f"/ws/finals/screen/{live.final.screen_token}/",
            headers=[(b"origin", b"http://evil.example"), (b"host", b"127.0.0.1:8000")],
        )
        connected, _code = await ws.connect(timeout=5)
        return connected

    assert run(connect()) is False
