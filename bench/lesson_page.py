"""Benchmark: a lesson page citing 30 articles against Wagtail's plain home page.

    .venv/bin/python bench/lesson_page.py [--requests 300]

Builds a throwaway SQLite database with production settings (DEBUG off, manifest static
files), imports a real regulation, publishes a lesson whose body holds 30 article blocks,
and serves both pages through the full WSGI stack (middleware, sessions, Wagtail routing)
in one process. Prints requests per second, mean latency and SQL queries per request, cold
(empty caches) and warm. Goal: the lesson page at least as fast as the home page, with a
query count that does not grow with the number of articles.
"""

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "site")]


def configure(workdir: Path) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="lianbing.settings",
        DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        SECRET_KEY=secrets.token_urlsafe(40),
        ALLOWED_HOSTS="testserver",
        DEBUG="0",
        HTTPS="0",
    )
    import django

    django.setup()


def build(articles: int):
    from django.core.management import call_command
    from django.urls import reverse

    from courses.models import Article, CourseIndexPage, CoursePage, LessonPage
    from courses.services.regulation_import import import_regulation, regulations_dir
    from lianbing.models import HomePage
    from people.models import Officer, Unit, User

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    text = (regulations_dir() / "cultural-relics-protection-law.md").read_text(encoding="utf-8")
    import_regulation(text=text, source_name="cultural-relics-protection-law.md")

    home = HomePage.objects.get()
    index = home.add_child(instance=CourseIndexPage(title="课程中心", slug="courses"))
    course = index.add_child(instance=CoursePage(title="文物保护法精讲", slug="relics"))
    cited = list(Article.objects.filter(revision__regulation__current_revision__isnull=False))
    body = [("articles", {"heading": "", "articles": [article]}) for article in cited[:articles]]
    lesson = course.add_child(instance=LessonPage(title="第一讲", slug="lesson-1", body=body))
    for page in (index, course, lesson):
        page.save_revision().publish()

    unit = Unit.add_root(name="全市", code="QS")
    user = User.objects.create_user(username="10001", password="bench-Passw0rd")
    officer = Officer.objects.create(user=user, employee_number="10001", name="测试", unit=unit)
    from courses.services.learning import enroll

    enroll(officer=officer, course=course)
    return (
        user,
        LessonPage.objects.get(pk=lesson.pk).url,
        reverse("courses:lesson_panel", args=[lesson.pk]),
    )


def warm_up(client, url: str) -> dict:
    """Query counts cold (empty caches) and warm, and the response size."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    cold_queries = len(queries)
    for _ in range(10):
        client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    if os.environ.get("BENCH_SHOW_QUERIES"):
        print(f"-- {url}")
        for query in queries.captured_queries:
            print(query["sql"][:160])
    return {
        "cold_queries": cold_queries,
        "warm_queries": len(queries),
        "bytes": len(response.content),
    }


def timed(client, url: str, requests: int) -> float:
    started = time.perf_counter()
    for _ in range(requests):
        client.get(url)
    return (time.perf_counter() - started) / requests


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="per page and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--articles", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lianbing-bench-") as workdir:
        configure(Path(workdir))
        user, lesson_url, panel_url = build(args.articles)
        from django.core.cache import caches
        from django.test import Client

        from lianbing.warmup import warm_up_and_freeze

        caches["default"].clear()
        warm_up_and_freeze()  # as lianbing.wsgi does when a server process starts
        anonymous, officer = Client(), Client()
        officer.force_login(user)
        lesson = f"lesson, {args.articles} articles (officer)"
        pages = {
            "home page (anonymous)": (anonymous, "/"),
            "home page (officer)": (officer, "/"),
            lesson: (officer, lesson_url),
            "lesson's own panel (officer)": (officer, panel_url),
        }
        results = {name: warm_up(client, url) for name, (client, url) in pages.items()}
        # Rounds alternate the pages, so a slow spell of the machine hits them all alike;
        # each page's figure is its median round.
        seconds = {name: [] for name in pages}
        for _ in range(args.rounds):
            for name, (client, url) in pages.items():
                seconds[name].append(timed(client, url, args.requests))
        for name in pages:
            results[name]["ms"] = statistics.median(seconds[name]) * 1000
            results[name]["rps"] = 1000 / results[name]["ms"]
    print(f"{'page':<34}{'req/s':>8}{'ms/req':>9}{'SQL cold':>10}{'SQL warm':>10}{'KiB':>7}")
    for name, r in results.items():
        print(
            f"{name:<34}{r['rps']:>8.0f}{r['ms']:>9.2f}{r['cold_queries']:>10}"
            f"{r['warm_queries']:>10}{r['bytes'] / 1024:>7.1f}"
        )
    home = results["home page (officer)"]["ms"]
    page = results[lesson]["ms"]
    with_panel = page + results["lesson's own panel (officer)"]["ms"]
    print(f"lesson / home (officer) = {home / page:.2f} (goal ≥ 1.0)")
    print(
        f"lesson + its panel (what one view costs the server) / home (officer) = "
        f"{home / with_panel:.2f}"
    )


if __name__ == "__main__":
    main()
