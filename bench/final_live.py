"""Benchmark: a live final with many connected devices, host action → every device updated.

    .venv/bin/python bench/final_live.py [--devices 200] [--actions 40] [--redis] [--json]

Builds a final on a fresh database (tests/quizzes/finals/live_site.py: a SQLite file, or a
new PostgreSQL database when DATABASE_URL names a server), starts uvicorn serving
`lianbing.asgi`, and opens `--devices` WebSockets from an asyncio client in this process:
six logged-in team phones, the rest projectors (the screen URL needs no login; the message
they get is the same snapshot). Then the host adjusts a score `--actions` times, one after
another through the host console's HTTP POST, and each device timestamps the snapshot that
carries the new version.

Latency per device = the device received the update − the host's POST was sent. It prints
p50/p95/max over every (action, device) pair, the time until the last device had it, and
the host's own request time. Goal (issue): p95 ≤ 100 ms with 200 devices.

With --redis it starts a redis-server and two uvicorn processes sharing the Redis channel
layer; the host posts to the first, devices are split between both.
"""

import argparse
import asyncio
import contextlib
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "site")]

from websockets.asyncio.client import connect  # noqa: E402

from tests.quizzes.finals.live_site import FinalSite, redis_server  # noqa: E402

VERSION = re.compile(r'"version":\s*(\d+)')


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


class Device:
    def __init__(self, url: str, origin: str, cookie: str = ""):
        self.url, self.origin, self.cookie = url, origin, cookie
        self.version = -1
        self.arrivals: dict[int, float] = {}

    async def run(self, ready: asyncio.Event, counter: list):
        headers = {"Cookie": self.cookie} if self.cookie else {}
        async with connect(self.url, origin=self.origin, additional_headers=headers) as ws:
            async for message in ws:
                now = time.perf_counter()
                # The version is near the start: reading it costs this client little, so the
                # figure is the server's, not 200 JSON parses in the measuring process.
                version = int(VERSION.search(message, 0, 300).group(1))
                if self.version < 0:
                    counter[0] += 1
                    if counter[0] == counter[1]:
                        ready.set()
                self.version = version
                self.arrivals.setdefault(version, now)


async def measure(site: FinalSite, bases: list[str], devices: int, actions: int) -> dict:
    host_base = bases[0]
    host = await asyncio.to_thread(site.login, host_base, site.info["host"])
    phones = []
    for n, team in enumerate(site.info["teams"]):
        base = bases[n % len(bases)]
        session = await asyncio.to_thread(site.login, base, team["members"][0])
        phones.append((base, f"sessionid={session.cookies['sessionid']}"))
    clients = []
    for n in range(devices):
        base = bases[n % len(bases)]
        ws_base = base.replace("http://", "ws://")
        if n < len(phones):
            base, cookie = phones[n]
            ws_base = base.replace("http://", "ws://")
            clients.append(Device(f"{ws_base}/ws/finals/{site.final_id}/", base, cookie))
        else:
            url = f"{ws_base}/ws/finals/screen/{site.info['screen_token']}/"
            clients.append(Device(url, base))
    ready, counter = asyncio.Event(), [0, devices]
    tasks = [asyncio.create_task(device.run(ready, counter)) for device in clients]
    await asyncio.wait_for(ready.wait(), timeout=120)
    await asyncio.sleep(0.5)

    latencies, last_device, host_times = [], [], []
    team_ids = [team["id"] for team in site.info["teams"]]
    for n in range(actions):
        version = n + 1
        sent = time.perf_counter()
        await asyncio.to_thread(
            site.host_act,
            host_base,
            host,
            kind="adjust",
            team_id=team_ids[n % len(team_ids)],
            delta="1",
            reason="压力测试",
        )
        host_times.append(time.perf_counter() - sent)
        deadline = time.perf_counter() + 10
        while any(version not in d.arrivals for d in clients):
            if time.perf_counter() > deadline:
                missing = sum(version not in d.arrivals for d in clients)
                raise SystemExit(f"{missing} devices never got version {version}")
            await asyncio.sleep(0.002)
        arrivals = [d.arrivals[version] - sent for d in clients]
        latencies.extend(arrivals)
        last_device.append(max(arrivals))
        await asyncio.sleep(0.05)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    ms = [value * 1000 for value in latencies]
    return {
        "devices": devices,
        "actions": actions,
        "processes": len(bases),
        "p50_ms": round(percentile(ms, 0.50), 1),
        "p95_ms": round(percentile(ms, 0.95), 1),
        "min_ms": round(min(ms), 1),
        "max_ms": round(max(ms), 1),
        "last_device_p50_ms": round(statistics.median(last_device) * 1000, 1),
        "host_request_p50_ms": round(statistics.median(host_times) * 1000, 1),
        # Other processes on this machine skew the figures: shown so they can be judged.
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--actions", type=int, default=40)
    parser.add_argument("--redis", action="store_true", help="two processes, Redis layer")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lianbing-final-bench-") as tmp:
        workdir = Path(tmp)
        with contextlib.ExitStack() as stack:
            redis_url = stack.enter_context(redis_server(workdir)) if args.redis else ""
            site = FinalSite(workdir, teams=6, members=2, redis_url=redis_url)
            stack.callback(site.tear_down)
            site.set_up()
            bases = [site.start_server() for _ in range(2 if args.redis else 1)]
            result = asyncio.run(measure(site, bases, args.devices, args.actions))
    if args.json:
        print(json.dumps(result))
        return
    layer = "Redis, 2 uvicorn processes" if args.redis else "in-memory, 1 uvicorn process"
    print(f"live final: {result['devices']} devices, {result['actions']} host actions, {layer}")
    print(
        f"  host action → device: p50 {result['p50_ms']} ms  p95 {result['p95_ms']} ms"
        f"  max {result['max_ms']} ms   (goal p95 ≤ 100 ms)"
    )
    print(
        f"  until the last device: p50 {result['last_device_p50_ms']} ms;"
        f" host's request: p50 {result['host_request_p50_ms']} ms;"
        f" load average {result['load_average_1min']} on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
