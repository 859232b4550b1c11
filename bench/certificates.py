"""Benchmark: bulk issue of 1,000 certificates, next to a naive WeasyPrint baseline.

    .venv/bin/python bench/certificates.py [--count 1000] [--naive 40] [--processes N]
        [--keep] [--json]

Builds a fresh SQLite database in a temporary folder (migrated), a unit tree and --count
officers (names with rare characters among them: 喆, 堃, 燚), a course-completion template
with a seal image, and measures in one run:

  naive baseline   one full WeasyPrint render per certificate (HTML → PDF with the system
                   Noto CJK faces, a fresh fetcher and stylesheet each time), over --naive
                   certificates (the rate is per document, so a sample is enough: 1,000 would
                   take ten minutes)
  render only      the certificates app's renderer in this process: batch font subset,
                   one parsed stylesheet, 25 certificates laid out per document
  bulk issue       the real task body, end to end: a BulkIssueJob for --count officers run by
                   run_bulk_issue — serials for the batch, the Certificate rows, rendering
                   (--processes forked renderers; default: the CPU count, at most 4) and
                   every PDF stored in private storage, progress saved per chunk

For each it prints certificates per second and milliseconds per document (wall clock), and
its CPU time per document (this process and the forked renderers), and the speed-up
over the baseline. Goal (issue 7): bulk issue ≥ 20 certificates/s on 2 cores.
The figures are only comparable on an otherwise idle machine: the load average is printed.
"""

import argparse
import contextlib
import io
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "site")]

GOAL_PER_SECOND = 20
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["喆", "堃", "燚", "伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="certificates to bulk issue")
    parser.add_argument("--naive", type=int, default=40, help="certificates for the baseline")
    parser.add_argument("--processes", type=int, default=None, help="render processes")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    return parser.parse_args()


def configure(workdir: Path) -> None:
    for key in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DEBUG", "CONN_MAX_AGE"):
        os.environ.pop(key, None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="lianbing.settings",
        DATABASE_URL=f"sqlite:///{workdir / 'certificates.sqlite3'}",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="testserver",
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        PRIVATE_MEDIA_ROOT=str(workdir / "private-media"),
        DEBUG="0",
        HTTPS="0",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.urls import clear_url_caches, include, path

    # The verify URL must resolve even where the project has not mounted the app yet.
    import lianbing.urls as project_urls

    if not any(getattr(p, "namespace", None) == "certificates" for p in project_urls.urlpatterns):
        project_urls.urlpatterns.insert(
            len(project_urls.urlpatterns) - 1,
            path("certificates/", include("certificates.urls")),
        )
        clear_url_caches()
    settings.PUBLIC_BASE_URL = "https://lianbing.example.cn"


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def seal_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 390, 390), outline=(200, 20, 20, 230), width=18)
    draw.regular_polygon((200, 200, 70), 5, fill=(200, 20, 20, 230))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def build(count: int):
    """Units, officers (bulk inserts, unusable passwords), a template with a seal."""
    from django.core.files.images import ImageFile
    from wagtail.images.models import Image

    from certificates.models import CertificateTemplate
    from certificates.placeholders import DEFAULT_BODIES
    from people.models import Officer, Unit, User

    root = Unit.add_root(name="全市文化市场综合执法", code="C00", kind="service")
    units = [
        Unit.objects.get(pk=root.pk).add_child(name=f"第{n}执法大队", code=f"D{n:02d}")
        for n in range(1, 11)
    ]
    users = User.objects.bulk_create(
        [User(username=f"9{n:05d}", password="!") for n in range(count)]
    )
    officers = Officer.objects.bulk_create(
        [
            Officer(
                user=user,
                employee_number=user.username,
                name=SURNAMES[n % len(SURNAMES)] + GIVEN[n % len(GIVEN)] + GIVEN[n // 7 % 15],
                unit=units[n % len(units)],
            )
            for n, user in enumerate(users)
        ]
    )
    seal = Image(title="印章")
    seal.file = ImageFile(io.BytesIO(seal_png()), name="seal.png")
    seal.save()
    template = CertificateTemplate.objects.create(
        kind="course",
        name="结业证书",
        title="结业证书",
        body=DEFAULT_BODIES["course"],
        issuer="市文化市场综合执法局",
        seal=seal,
    )
    return template, officers


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the forked renderers)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def rate(label: str, count: int, seconds: float, cpu: float) -> dict:
    return {
        "scenario": label,
        "certificates": count,
        "seconds": round(seconds, 2),
        "per_second": round(count / seconds, 1),
        "ms_per_doc": round(1000 * seconds / count, 1),
        "cpu_ms_per_doc": round(1000 * cpu / count, 1),
    }


def measure(args, template, officers) -> list[dict]:
    from certificates.models import BulkIssueJob, Certificate
    from certificates.rendering.engine import Item, render_certificates, render_naive
    from certificates.services.bulk import render_processes, run_bulk_issue
    from certificates.services.pdfs import layout_for

    layout = layout_for(template)
    fields = {"course": "互联网上网服务营业场所管理条例精讲", "hours": "12"}

    def item(n, officer):
        data = {
            "name": officer.name,
            "unit": officer.unit.name,
            "serial": f"LB2026-{n:06d}",
            "date": "2026年3月5日",
            **fields,
        }
        return Item(
            data, f"https://lianbing.example.cn/certificates/verify/{secrets.token_urlsafe(16)}/"
        )

    sample = [item(n, o) for n, o in enumerate(officers)]
    results = []

    render_naive(layout, sample[0])  # warm-up: fontconfig caches, imports
    started, cpu = time.perf_counter(), cpu_seconds()
    for one in sample[: args.naive]:
        render_naive(layout, one)
    results.append(
        rate(
            "naive baseline",
            args.naive,
            time.perf_counter() - started,
            cpu_seconds() - cpu,
        )
    )

    subset = sample[: min(200, len(sample))]
    started, cpu = time.perf_counter(), cpu_seconds()
    render_certificates(layout, subset)
    results.append(
        rate(
            "render only, 1 process",
            len(subset),
            time.perf_counter() - started,
            cpu_seconds() - cpu,
        )
    )

    processes = args.processes or render_processes()
    job = BulkIssueJob.objects.create(
        template=template,
        recipients=[{"officer_id": o.pk, "fields": fields} for o in officers],
        title=fields["course"],
        total=len(officers),
    )
    started, cpu = time.perf_counter(), cpu_seconds()
    state = run_bulk_issue(job.pk, processes=processes)
    elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    job.refresh_from_db()
    if state != "done" or job.done != len(officers):
        raise SystemExit(f"bulk issue failed: {state} {job.done}/{job.total} {job.error}")
    stored = Certificate.objects.exclude(pdf="").count()
    results.append(rate(f"bulk issue, {processes} processes", stored, elapsed, cpu))
    return results


def report(args, meta: dict, results: list[dict]) -> None:
    baseline = results[0]["per_second"]
    for row in results:
        row["speed_up"] = round(row["per_second"] / baseline, 1)
    if args.json:
        print(json.dumps({"meta": meta, "results": results}, ensure_ascii=False, indent=2))
        return
    print(
        f"\nCertificates: {meta['count']} officers, {meta['cpus']} CPUs, "
        f"load average before {meta['load_before']}, after {meta['load_after']}"
    )
    print(
        f"{'scenario':<28}{'docs':>6}{'seconds':>9}{'cert/s':>8}{'ms/doc':>8}"
        f"{'CPU ms/doc':>11}{'× naive':>9}"
    )
    for row in results:
        print(
            f"{row['scenario']:<28}{row['certificates']:>6}{row['seconds']:>9}"
            f"{row['per_second']:>8}{row['ms_per_doc']:>8}{row['cpu_ms_per_doc']:>11}"
            f"{row['speed_up']:>9}"
        )
    print(
        "(ms/doc is wall clock; CPU ms/doc adds up every process's CPU time, forked renderers "
        "included: on a busy machine it shows the work done, the wall clock the wait)"
    )
    bulk = results[-1]["per_second"]
    verdict = "met" if bulk >= GOAL_PER_SECOND else "NOT met"
    print(f"goal ≥ {GOAL_PER_SECOND} certificates/s for the bulk issue: {verdict} ({bulk})")


def main():
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="lianbing-certs-"))
    try:
        configure(workdir)
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        call_command("createcachetable", verbosity=0)
        template, officers = build(args.count)
        officers = list(type(officers[0]).objects.select_related("unit").order_by("pk"))
        meta = {"count": args.count, "cpus": os.cpu_count(), "load_before": load_average()}
        results = measure(args, template, officers)
        meta["load_after"] = load_average()
        report(args, meta, results)
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        if args.keep:
            print(f"work folder kept: {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
