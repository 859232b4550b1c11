"""Live finals on real servers: uvicorn processes, WebSockets, and a real Redis between them.

- One process with the in-memory channel layer: a host's action reaches a phone and the
  projector; a phone that reconnects gets the current state as its first message.
- Two uvicorn processes sharing a Redis channel layer (a redis-server the test starts): an
  action taken through one process reaches devices connected to the other.

    .venv/bin/pytest tests/quizzes/finals/test_live_processes.py
"""

import contextlib

import pytest
from websockets.exceptions import InvalidStatus

from tests.quizzes.finals.live_site import FinalSite, receive, receive_until, redis_server

pytestmark = pytest.mark.reliability


@pytest.fixture(scope="module")
def one_process(tmp_path_factory):
    site = FinalSite(tmp_path_factory.mktemp("final-one"))
    try:
        site.set_up()
        base = site.start_server()
        yield site, base
    finally:
        site.tear_down()


def test_host_action_reaches_phone_and_projector_and_a_reconnect_shows_the_present(one_process):
    site, base = one_process
    host = site.login(base, site.info["host"])
    member = site.login(base, site.info["teams"][0]["members"][0])
    with contextlib.ExitStack() as stack:
        phone = stack.enter_context(site.device(base, member))
        projector = stack.enter_context(site.device(base, screen=True))
        check_reconnect(site, base, host, member, phone, projector)


def check_reconnect(site, base, host, member, phone, projector):
    for ws in (phone, projector):
        assert receive(ws)["phase"] == "idle"
    site.host_act(base, host, kind="start_round", round_id=site.info["rounds"]["buzzer"])
    question = site.info["questions"]["buzzer"][0]
    site.host_act(base, host, kind="show_question", question_id=question)
    for ws in (phone, projector):
        shown = receive_until(ws, lambda s: s["question"] is not None)
        assert shown["question"]["id"] == question and shown["question"]["answer"] is None
    phone.close()
    site.host_act(base, host, kind="open_buzzers")
    other = site.login(base, site.info["teams"][1]["members"][0])
    assert site.team_act(base, other, kind="buzz").json()["buzz_position"] == 1
    answering = receive_until(projector, lambda s: s["phase"] == "answering")
    assert answering["answering_team"] == site.info["teams"][1]["id"]
    # The phone comes back: its first message is the state now, not what it missed.
    with site.device(base, member) as phone:
        now = receive(phone)
    assert now["phase"] == "answering" and now["buzz_order"] == [site.info["teams"][1]["id"]]
    assert now["version"] == answering["version"]


def test_a_phone_without_a_login_is_refused(one_process):
    site, base = one_process
    with pytest.raises(InvalidStatus), site.device(base) as ws:
        ws.recv(timeout=5)


def test_two_processes_share_the_final_through_redis(tmp_path):
    with redis_server(tmp_path) as redis_url:
        site = FinalSite(tmp_path, redis_url=redis_url)
        try:
            site.set_up()
            first, second = site.start_server(), site.start_server()
            member = site.login(second, site.info["teams"][2]["members"][0])
            stack = contextlib.ExitStack()
            phone = stack.enter_context(site.device(second, member))
            projector = stack.enter_context(site.device(first, screen=True))
            for ws in (phone, projector):
                receive(ws)
            host = site.login(first, site.info["host"])
            site.host_act(
                first,
                host,
                kind="adjust",
                team_id=site.info["teams"][2]["id"],
                delta="7",
                reason="跨进程测试",
            )
            for ws in (phone, projector):
                snapshot = receive_until(ws, lambda s: s["version"] >= 1)
                scores = {team["id"]: team["score"] for team in snapshot["teams"]}
                assert scores[site.info["teams"][2]["id"]] == 107
            # And back: a buzz through the second process reaches the first one's projector.
            site.host_act(first, host, kind="start_round", round_id=site.info["rounds"]["buzzer"])
            site.host_act(
                first, host, kind="show_question", question_id=site.info["questions"]["buzzer"][0]
            )
            site.host_act(first, host, kind="open_buzzers")
            assert site.team_act(second, member, kind="buzz").status_code == 200
            answering = receive_until(projector, lambda s: s["phase"] == "answering")
            assert answering["answering_team"] == site.info["teams"][2]["id"]
            stack.close()
        finally:
            site.tear_down()
