"""Measure the portal's busiest pages at national scale, and write docs/benchmarks.md.

    .venv/bin/python benchmark/run.py            # build the data set if needed, then measure

1. Makes a fresh PostgreSQL database (csp_benchmark) with the synthetic national data set
   (benchmark/dataset.py: 43 force areas, 300 partnerships, 10 years of quarterly
   returns, 6 priorities × 4 measures each), unless it already holds it.
2. Counts the SQL queries of each page in-process (Django test client, production
   settings, Redis cache and sessions as deployed).
3. Starts gunicorn with production settings and times each page over HTTP: median and
   95th percentile of sequential requests, then requests per second under concurrent
   load (wrk), side by side with a trivial view that goes through the same middleware
   (session, authentication, CSRF, CSP…) and returns "ok".

Pages: the partnership performance dashboard (as its officer), the return form (a
section of the current draft return, as its officer), the return read view (an approved
return, as the PCC reviewer) and the force-area overview (as the PCC reviewer).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/csp_benchmark"
DEFAULT_REDIS = "redis://127.0.0.1:6379/6"
PORT = 8765
TARGET_QUERIES = 15
TARGET_P95_MS = 100
TARGET_SHARE = 1 / 3


def env(args) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmark.settings",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "PYTHONPATH": str(ROOT),
    }


def manage(args, *command: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *command],
        env=env(args),
        cwd=ROOT,
        check=True,
        capture_output=capture,
        text=True,
    )
    return result.stdout if capture else ""


def ensure_dataset(args) -> None:
    import psycopg

    url = urllib.parse.urlparse(args.database_url)
    name = url.path.lstrip("/")
    admin = args.database_url.replace(f"/{name}", "/postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if exists and not args.rebuild:
        with psycopg.connect(args.database_url) as conn:
            try:
                count = conn.execute(
                    "SELECT count(*) FROM partnerships_partnership WHERE slug LIKE 'bench-%%'"
                ).fetchone()[0]
            except psycopg.errors.UndefinedTable:
                count = 0
        if count:
            print(f"Using the data set already in {name} ({count} partnerships)")
            manage(args, "migrate", "--noinput", "-v0")
            return
    print(f"Building the national data set in a fresh database {name}")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    manage(args, "migrate", "--noinput", "-v0")
    started = time.monotonic()
    manage(args, "build_national_dataset")
    print(f"Built in {time.monotonic() - started:.0f} s")


# What to measure ---------------------------------------------------------------------

PAGES_SCRIPT = r"""
import json
from benchmark.pages import pages
print(json.dumps(pages()))
"""

QUERIES_SCRIPT = r"""
import json, statistics, sys, time
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from accounts.models import User
import csp_portal.lib.fragments as fragments


class NoCache:
    # Stands in for the fragment cache: every page is built from scratch.
    def get(self, key, default=None):
        return default

    def set(self, *args, **kwargs):
        pass


def measure(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    # Counted now: the next request resets Django's query log.
    queries = len(ctx.captured_queries)
    times = []
    for _ in range(20):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return queries, statistics.median(times)


pages = json.loads(sys.stdin.read())
out = []
clients = {}
real_cache = fragments.cache
for page in pages:
    client = clients.get(page["user"])
    if client is None:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(email=page["user"]), backend="django.contrib.auth.backends.ModelBackend")
        clients[page["user"]] = client
    fragments.cache = real_cache
    warm_queries, _ = measure(client, page["url"])
    fragments.cache = NoCache()
    cold_queries, cold_ms = measure(client, page["url"])
    fragments.cache = real_cache
    out.append({"queries": warm_queries, "cold_queries": cold_queries, "cold_ms": cold_ms})
print(json.dumps(out))
"""


def run_django(args, script: str, stdin: str = "") -> str:
    result = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), "shell", "-c", script],
        env=env(args),
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        sys.exit(result.stderr)
    return result.stdout.strip().splitlines()[-1]


# HTTP ----------------------------------------------------------------------------------


def request(
    path: str, cookies: dict[str, str] | None = None, method: str = "GET", body: str | None = None
):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    headers = {"Host": "127.0.0.1"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://127.0.0.1:{PORT}{path}"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    set_cookies = {}
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            set_cookies[name] = rest.split(";", 1)[0]
    conn.close()
    return response.status, data, set_cookies


def sign_in(email: str, password: str) -> dict[str, str]:
    status, body, cookies = request("/accounts/sign-in/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": email, "password": password}
    )
    status, _, more = request("/accounts/sign-in/", cookies, "POST", form)
    if status != 302 or "sessionid" not in more:
        raise SystemExit(f"Could not sign in as {email} (HTTP {status})")
    return {**cookies, **more}


def latencies(path: str, cookies: dict[str, str], count: int) -> list[float]:
    for _ in range(10):
        request(path, cookies)
    times = []
    for _ in range(count):
        start = time.perf_counter()
        status, _, _ = request(path, cookies)
        times.append((time.perf_counter() - start) * 1000)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    return times


def throughput(path: str, cookies: dict[str, str], seconds: int, connections: int) -> float:
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "-H",
            f"Cookie: {cookie}",
            f"http://127.0.0.1:{PORT}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    if "Non-2xx" in result.stdout:
        raise SystemExit(f"wrk saw errors on {path}:\n{result.stdout}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCHMARK_DATABASE_URL", DEFAULT_DB)
    )
    parser.add_argument("--redis-url", default=os.environ.get("BENCHMARK_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument(
        "--rebuild", action="store_true", help="build the data set again from scratch"
    )
    parser.add_argument(
        "--requests", type=int, default=300, help="sequential requests per page for latency"
    )
    parser.add_argument("--seconds", type=int, default=15, help="duration of each throughput run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2)
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)

    ensure_dataset(args)
    from benchmark.constants import PASSWORD

    pages = json.loads(run_django(args, PAGES_SCRIPT))
    builds = json.loads(run_django(args, QUERIES_SCRIPT, json.dumps(pages)))

    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "csp_portal.wsgi",
            f"--bind=127.0.0.1:{PORT}",
            f"--workers={args.workers}",
            "--access-logfile=/dev/null",
            "--error-logfile=-",
            "--log-level=warning",
        ],
        env={**env(args), "DJANGO_SETTINGS_MODULE": "benchmark.settings"},
        cwd=ROOT,
    )
    try:
        for _ in range(60):
            try:
                if request("/health.json")[0] in (200, 503):
                    break
            except OSError:
                time.sleep(0.5)
        sessions = {}
        rows = []
        trivial = next(p for p in pages if p.get("trivial"))
        for page, build in zip(pages, builds, strict=True):
            queries = build["queries"]
            cookies = sessions.get(page["user"]) or sessions.setdefault(
                page["user"], sign_in(page["user"], PASSWORD)
            )
            times = latencies(page["url"], cookies, args.requests)
            # The trivial view runs just before each page, so that the share compares
            # two runs made under the same conditions: on a shared machine the trivial
            # view alone moves by a quarter within an hour.
            beside = throughput(trivial["url"], cookies, args.seconds, args.connections)
            rps = throughput(page["url"], cookies, args.seconds, args.connections)
            rows.append(
                {
                    **page,
                    **build,
                    "median": statistics.median(times),
                    "p95": percentile(times, 0.95),
                    "rps": rps,
                    "trivial_rps": beside,
                }
            )
            print(
                f"{page['name']}: {queries} queries, median {rows[-1]['median']:.1f} ms, p95 {rows[-1]['p95']:.1f} ms, {rps:.0f} req/s"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    write_report(args, rows)


def write_report(args, rows: list[dict]) -> None:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    counts = json.loads(
        run_django(
            args,
            r"""
import json
from partnerships.models import ForceArea, Partnership
from performance.models import PerformanceReturn, MeasureValue
from priorities.models import Measure
print(json.dumps([ForceArea.objects.count(), Partnership.objects.filter(slug__startswith="bench-").count(), PerformanceReturn.objects.count(), Measure.objects.count(), MeasureValue.objects.count()]))
""",
        )
    )
    lines = [
        "# Benchmark at national scale",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%-d %B %Y} at commit `{commit}` by `benchmark/run.py` "
        f"(gunicorn, {args.workers} sync workers, production settings, PostgreSQL and Redis on the same "
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}). The load generator (wrk, "
        f"{args.connections} connections) shares the machine with the server.",
        "",
        f"Data: {counts[0]} force areas, {counts[1]} partnerships, {counts[2]:,} quarterly returns "
        f"(10 years), {counts[3]:,} measures across all plan versions, {counts[4]:,} measure values.",
        "",
        f"Targets: at most {TARGET_QUERIES} SQL queries per page; 95th percentile under {TARGET_P95_MS} ms; "
        "at least a third of the trivial view's requests per second.",
        "",
        "| Page | SQL queries | Median (ms) | 95th percentile (ms) | Requests per second | Trivial view just before (req/s) | Share of trivial | Targets met | Built from scratch: queries, median (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in rows:
        share = row["rps"] / row["trivial_rps"]
        if row.get("trivial"):
            met = "(yardstick)"
        elif row.get("reference"):
            met = "(reference)"
        else:
            checks = [
                (
                    "queries",
                    row["queries"] <= TARGET_QUERIES and row["cold_queries"] <= TARGET_QUERIES,
                ),
                ("p95", row["p95"] < TARGET_P95_MS),
                ("throughput", share >= TARGET_SHARE),
            ]
            met = ", ".join(f"{name} {'yes' if ok else '**no**'}" for name, ok in checks)
        lines.append(
            f"| {row['name']} | {row['queries']} | {row['median']:.1f} | {row['p95']:.1f} | {row['rps']:.0f} | {row['trivial_rps']:.0f} | {share:.0%} | {met} "
            f"| {row['cold_queries']}, {row['cold_ms']:.1f} |"
        )
    lines += [
        "",
        f"Latency: {args.requests} sequential requests per page after 10 to warm up. Throughput: "
        f"{args.seconds} s of wrk per page, each straight after {args.seconds} s of wrk on the trivial "
        "view; a page's share is of that trivial run. Query counts include the user and the permission query "
        "every page makes (sessions are read from Redis). The main columns are pages as people meet them "
        "on a second view: the dashboard's charts, the read view's priorities and history and the "
        "overview's body come from the cache, keyed on the version of the data they show, so any change "
        "shows at once (docs/performance.md); the return form is built every time. The last column is "
        "the first view after a change: the same page with nothing cached, timed in-process (no HTTP), "
        "median of 20.",
        "",
        "Run it again with `.venv/bin/python benchmark/run.py` (add `--rebuild` to rebuild the data set).",
        "",
    ]
    # The uploads section is benchmark/uploads.py's: keep it as it was measured.
    from benchmark.uploads import kept_section

    if uploads := kept_section(Path(args.output)):
        lines += [uploads, ""]
    Path(args.output).write_text("\n".join(lines))
    print(f"Wrote {args.output}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
