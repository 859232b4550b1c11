"""Production settings, checked the way they run: real processes, environment-provided secrets."""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path: Path, **extra) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        DJANGO_SETTINGS_MODULE="lianbing.settings",
    )
    env.update(extra)
    return env


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_deploy_check_is_clean_with_secrets_from_the_environment(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_flags_the_development_secret_key(tmp_path):
    env = production_env(tmp_path)
    env.pop("SECRET_KEY")
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_serves_the_chinese_home_page_and_hashed_static_files(tmp_path):
    env = production_env(tmp_path, HTTPS="0")
    for args in (("migrate", "--noinput"), ("createcachetable",), ("collectstatic", "--noinput")):
        result = manage(env, *args)
        assert result.returncode == 0, result.stderr
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--chdir",
            "site",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--no-control-socket",
            "lianbing.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        home = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    home = response.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert home is not None, "gunicorn did not answer"
        assert "通知公告" in home
        css_path = next(
            part.split('"')[0]
            for part in home.split('href="')[1:]
            if part.startswith("/static/vendor/bootstrap")
        )
        assert css_path != "/static/vendor/bootstrap-5.3.9/bootstrap.min.css"  # hashed name
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{css_path}", timeout=5) as response:
            assert response.status == 200
            assert "max-age" in response.headers["Cache-Control"]
    finally:
        server.terminate()
        server.wait(timeout=10)
