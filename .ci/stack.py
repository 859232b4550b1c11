"""A production-like stack on this machine, started and stopped by one command.

    .venv/bin/python .ci/stack.py [--port 8100] [--state .stack] [--no-demo]     (make stack)
    .venv/bin/python .ci/stack.py stop [--state .stack]                         (make stack-stop)

On 127.0.0.1: a PostgreSQL cluster of its own (initdb once, under the state directory), a
redis-server (cache and channel layer), two gunicorn processes serving `lianbing.wsgi` (the
pages), two uvicorn processes serving `lianbing.asgi` (the live finals' WebSockets), the
`db_worker` task worker, and nginx in front of them balancing the pages over both gunicorn
processes and forwarding WebSocket upgrades to both uvicorn processes. It migrates, collects static
files and loads the demo data once, prints the address, and stops everything (the database
too) on Ctrl-C or `stop`. docs/deploy.md maps each piece to its own machine.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
NGINX_CONF = """
worker_processes 1;
pid {state}/nginx.pid;
error_log {state}/logs/nginx-error.log warn;
{user}
events {{ worker_connections 4096; }}
http {{
    log_format upstreams '$remote_addr "$request" $status $upstream_addr $request_time';
    access_log {state}/logs/nginx-access.log upstreams;
    client_body_temp_path {state}/nginx-tmp/body;
    proxy_temp_path {state}/nginx-tmp/proxy;
    fastcgi_temp_path {state}/nginx-tmp/fastcgi;
    uwsgi_temp_path {state}/nginx-tmp/uwsgi;
    scgi_temp_path {state}/nginx-tmp/scgi;
    client_max_body_size 25m;
    upstream lianbing {{ {servers} keepalive 64; }}
    upstream lianbing_ws {{ {ws_servers} }}
    server {{
        listen 127.0.0.1:{port};
        location /media/ {{ alias {state}/media/; }}
        location /ws/ {{
            proxy_pass http://lianbing_ws;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_set_header Host $http_host;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_read_timeout 1h;
        }}
        location / {{
            proxy_pass http://lianbing;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Real-IP $remote_addr;
        }}
    }}
}}
"""


def pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    if not found:
        sys.exit("PostgreSQL is not installed: run `WITH_POSTGRES=1 .ci/system-packages`")
    return found[-1]


def as_postgres(*command: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


class Stack:
    def __init__(self, state: Path, port: int):
        self.state, self.port = state.resolve(), port
        self.logs = self.state / "logs"
        self.pg_data = self.state / "pgdata"
        self.pg_port, self.redis_port = port + 10, port + 11
        # Pages go to gunicorn: a Django process under ASGI runs all its sync views on one
        # thread, so a 0.3 s password check held up every answer save queued behind it.
        self.app_ports = [port + 1, port + 2]
        self.ws_ports = [port + 3, port + 4]
        self.children: list[tuple[str, subprocess.Popen]] = []

    # ---- configuration

    def env(self) -> dict:
        secret = self.state / "secret_key"
        if not secret.exists():
            secret.write_text(secrets.token_urlsafe(50))
        env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
        env.update(
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{self.pg_port}/lianbing",
            REDIS_URL=f"redis://127.0.0.1:{self.redis_port}/0",
            SECRET_KEY=secret.read_text().strip(),
            DEBUG="0",
            HTTPS="0",
            BEHIND_PROXY="1",
            # gunicorn's threads live as long as the process: they keep their connection.
            CONN_MAX_AGE="60",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            CSRF_TRUSTED_ORIGINS=f"http://127.0.0.1:{self.port},http://localhost:{self.port}",
            STATIC_ROOT=str(self.state / "static"),
            MEDIA_ROOT=str(self.state / "media"),
            PRIVATE_MEDIA_ROOT=str(self.state / "private-media"),
            PUBLIC_BASE_URL=f"http://127.0.0.1:{self.port}",
        )
        return env

    # ---- processes

    def spawn(self, name: str, command: list[str], env: dict | None = None) -> None:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - kept open for the child
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.children.append((name, process))
        (self.state / "pids.json").write_text(
            json.dumps({n: p.pid for n, p in self.children}, ensure_ascii=False)
        )

    def manage(self, *args: str, env: dict) -> None:
        subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)

    def start_postgres(self) -> None:
        binary = pg_bin()
        if not (self.pg_data / "PG_VERSION").exists():
            self.pg_data.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(self.pg_data, "postgres")
            subprocess.run(
                as_postgres(str(binary / "initdb"), "-D", str(self.pg_data), "-U", "postgres",
                            "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"),
                check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
        if os.geteuid() == 0:
            shutil.chown(self.logs / ".", "postgres")
        subprocess.run(
            as_postgres(str(binary / "pg_ctl"), "-D", str(self.pg_data), "-w",
                        "-l", str(self.logs / "postgres.log"),
                        "-o", f"-h 127.0.0.1 -p {self.pg_port} -k {self.pg_data}"
                              " -c max_connections=200",
                        "start"),
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        exists = subprocess.run(
            as_postgres(str(binary / "psql"), "-h", "127.0.0.1", "-p", str(self.pg_port),
                        "-U", "postgres", "-tAc",
                        "SELECT 1 FROM pg_database WHERE datname='lianbing'"),
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        if exists.stdout.strip() != "1":
            subprocess.run(
                as_postgres(str(binary / "createdb"), "-h", "127.0.0.1", "-p", str(self.pg_port),
                            "-U", "postgres", "lianbing"),
                check=True,
            )  # fmt: skip

    def stop_postgres(self) -> None:
        if (self.pg_data / "postmaster.pid").exists():
            subprocess.run(
                as_postgres(str(pg_bin() / "pg_ctl"), "-D", str(self.pg_data), "-m", "fast",
                            "-w", "stop"),
                stdout=subprocess.DEVNULL, check=False,
            )  # fmt: skip

    def write_nginx_conf(self) -> Path:
        for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.state / "nginx-tmp" / name).mkdir(parents=True, exist_ok=True)
        (self.state / "media").mkdir(exist_ok=True)
        servers = " ".join(f"server 127.0.0.1:{port};" for port in self.app_ports)
        ws_servers = " ".join(f"server 127.0.0.1:{port};" for port in self.ws_ports)
        conf = self.state / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                state=self.state,
                servers=servers,
                ws_servers=ws_servers,
                port=self.port,
                # Running as root, workers would drop to `nobody`, who cannot read the state dir.
                user="user root;" if os.geteuid() == 0 else "",
            )
        )
        return conf

    def wait_http(self, url: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, process in self.children:
                if process.poll() is not None:
                    raise SystemExit(f"{name} exited: see {self.logs / (name + '.log')}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"{url} did not answer within {timeout:.0f} s")

    def start(self, *, demo: bool) -> None:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(nginx).exists():
            sys.exit("nginx is not installed: run .ci/system-packages as root")
        self.logs.mkdir(parents=True, exist_ok=True)
        env = self.env()
        self.start_postgres()
        self.spawn(
            "redis",
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
        )  # fmt: skip
        self.manage("migrate", "--noinput", "-v", "0", env=env)
        self.manage("createcachetable", env=env)
        self.manage("collectstatic", "--noinput", "-v", "0", env=env)
        if demo:
            self.manage("load_demo", "--if-empty", env=env)
        for port in self.app_ports:
            self.spawn(
                f"app-{port}",
                [PYTHON, "-m", "gunicorn", "--chdir", "site", "--bind", f"127.0.0.1:{port}",
                 "--worker-class", "gthread", "--workers", "1", "--threads", "8",
                 "--no-control-socket", "--keep-alive", "75", "--forwarded-allow-ips",
                 "127.0.0.1", "lianbing.wsgi:application"],
                env,
            )  # fmt: skip
        # Under ASGI each request may run its sync code on a new thread: persistent
        # connections would pile up per thread until PostgreSQL refuses more clients.
        ws_env = {**env, "CONN_MAX_AGE": "0"}
        for port in self.ws_ports:
            self.spawn(
                f"ws-{port}",
                [PYTHON, "-m", "uvicorn", "--app-dir", "site", "--host", "127.0.0.1",
                 "--port", str(port), "--lifespan", "off", "--ws-per-message-deflate", "false",
                 "--proxy-headers", "--forwarded-allow-ips", "127.0.0.1", "--no-access-log",
                 "lianbing.asgi:application"],
                ws_env,
            )  # fmt: skip
        self.spawn("worker", [PYTHON, "manage.py", "db_worker", "--no-reload"], env)
        for port in self.app_ports + self.ws_ports:
            self.wait_http(f"http://127.0.0.1:{port}/accounts/login/")
        conf = self.write_nginx_conf()
        self.spawn("nginx", [nginx, "-p", str(self.state), "-c", str(conf), "-g", "daemon off;"])
        self.wait_http(f"http://127.0.0.1:{self.port}/accounts/login/")

    def stop(self) -> None:
        for _name, process in reversed(self.children):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for _name, process in self.children:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.children.clear()
        self.stop_postgres()
        (self.state / "pids.json").unlink(missing_ok=True)


def stop_recorded(state: Path, port: int) -> None:
    """`stop` from another shell: the processes recorded by a running `start`."""
    stack = Stack(state, port)
    pids = (
        json.loads((stack.state / "pids.json").read_text())
        if (stack.state / "pids.json").exists()
        else {}
    )
    for pid in pids.values():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGTERM)
    stack.stop_postgres()
    (stack.state / "pids.json").unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", nargs="?", default="start", choices=["start", "stop"])
    parser.add_argument(
        "--port",
        type=int,
        default=8100,
        help="nginx; +1/+2 gunicorn, +3/+4 uvicorn, +10 pg, +11 redis",
    )
    parser.add_argument("--state", type=Path, default=ROOT / ".stack")
    parser.add_argument("--no-demo", action="store_true", help="skip loading the demo data")
    parser.add_argument("--ready-file", type=Path, help="written once everything answers")
    args = parser.parse_args()
    if args.action == "stop":
        stop_recorded(args.state, args.port)
        return
    stack = Stack(args.state, args.port)
    stopping = []

    def on_signal(signum, frame):
        stopping.append(signum)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        stack.start(demo=not args.no_demo)
        url = f"http://127.0.0.1:{args.port}/"
        print(f"Lianbing stack up: {url}  (nginx → 2 gunicorn + 2 uvicorn,")
        print(f"  PostgreSQL :{stack.pg_port}, Redis :{stack.redis_port}, db_worker;")
        print(f"  logs in {stack.logs}). Ctrl-C stops it.")
        if args.ready_file:
            args.ready_file.write_text(json.dumps({"url": url, **stack.env()}))
        while all(process.poll() is None for _name, process in stack.children):
            time.sleep(0.5)
        dead = [name for name, process in stack.children if process.poll() is not None]
        print(f"stopping: {', '.join(dead)} exited", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
        print("Lianbing stack stopped.")


if __name__ == "__main__":
    main()
