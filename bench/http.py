"""Benchmark the main pages through gunicorn (2 workers), on SQLite and on PostgreSQL.

The ceiling is a bare Flask app's "hello world" (bench/wsgi/bare.py) on the same
gunicorn. Then, for each database: seeds a realistic maker (30 products, each with 5
learnings, 3 metrics and a cover picture), serves the app with gunicorn, and loads
each page with wrk (Debian package `wrk`; a Python load generator stands in when it
is missing): a "hello world" route inside the app (what every request of ours pays
before its view), the public profile and a case study (with a browser's User-Agent,
so every request counts a view), the dashboard (signed in), a 304 revalidation of the
profile, and a public picture. Prints each page's throughput as a ratio to the bare
Flask ceiling.

SQLite runs as `make run` sets it up: no Redis, so stamps and kept dashboard parts are
files under the instance folder and views wait in each process. PostgreSQL runs as in
production, with Redis.

    .venv/bin/python -m bench.http
    BENCH_POSTGRES_URL=postgresql://... BENCH_REDIS_URL=redis://... .venv/bin/python -m bench.http
    BENCH_DATABASES=sqlite .venv/bin/python -m bench.http       # one of them only
"""

import os
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import redis

from bench.common import add_covers
from bench.common import gunicorn
from bench.common import logged_in_opener
from bench.common import migrate
from bench.common import scratch_database
from bench.common import seed_portfolio
from pm_portfolio import create_app
from pm_portfolio.extensions import db

DURATION_SECONDS = 10
CONNECTIONS = 16
THREADS = 2
WORKERS = 2
# A person's browser: views from it are counted, as they would be in production.
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"
TARGETS = {"profile": 0.5, "revalidation (304)": 0.8}
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def wrk(url: str, headers: dict[str, str]) -> tuple[float, float, float]:
    """(requests/s, p50 ms, p99 ms) measured by wrk."""
    command = [
        "wrk", "--threads", str(THREADS), "--connections", str(CONNECTIONS),
        "--duration", f"{DURATION_SECONDS}s", "--latency",
    ]  # fmt: skip
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    output = subprocess.run(  # noqa: S603 - wrk with our own arguments
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    if "Non-2xx or 3xx responses" in output:
        raise RuntimeError(f"errors while loading {url}:\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))

    def percentile(label: str) -> float:
        value, unit = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * UNITS[unit]

    return rate, percentile("50"), percentile("99")


def python_load(url: str, headers: dict[str, str]) -> tuple[float, float, float]:
    """The same measurement with threads and urllib, when wrk is not installed."""
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + DURATION_SECONDS

    def client():
        while time.monotonic() < deadline:
            request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback http
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request) as response:  # noqa: S310
                    response.read()
            except urllib.error.HTTPError as error:
                if error.code != 304:
                    raise
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)

    workers = [threading.Thread(target=client) for _ in range(CONNECTIONS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    cuts = statistics.quantiles(latencies, n=100)
    return len(latencies) / DURATION_SECONDS, cuts[49], cuts[98]


def measure_bare_flask(load) -> tuple[float, float, float]:
    """Hello world from a bare Flask app on the same gunicorn: the ceiling."""
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite:///{Path(folder) / 'unused.sqlite3'}"
        with gunicorn(database, workers=WORKERS, app="bare:app") as (base, _worker):
            return load(f"{base}/bench/hello", {})


def measure(load, server: str, redis_url: str) -> dict[str, tuple[float, float, float]]:
    """Each page's (requests/s, p50 ms, p99 ms) on a scratch database of `server` ("" for
    SQLite), with Redis at `redis_url` if given."""
    with tempfile.TemporaryDirectory() as folder, scratch_database(Path(folder), server) as url:
        migrate(url)
        storage_url = (Path(folder) / "media").as_uri()
        seeding_app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": "bench",
                "MEDIA_STORAGE_URL": storage_url,
                "CACHE_DIR": str(Path(folder) / "cache"),
            }
        )
        seed_portfolio(seeding_app, "maker", products=30, learnings_each=5)
        picture_key = add_covers(seeding_app, "maker")
        with seeding_app.app_context():
            db.engine.dispose()
        shared = {"REDIS_URL": redis_url} if redis_url else {}
        if redis_url:
            redis.Redis.from_url(redis_url).flushdb()
        server = gunicorn(
            url, workers=WORKERS, app="hello:app", MEDIA_STORAGE_URL=storage_url, **shared
        )
        with server as (base, _worker):
            _opener, cookie = logged_in_opener(base, "maker")
            case_study = f"{base}/u/maker/product-1"
            with urllib.request.urlopen(f"{base}/u/maker") as response:  # noqa: S310
                etag = response.headers["ETag"]
            pages = {
                "hello world, in the app": (f"{base}/bench/hello", {}),
                "profile": (f"{base}/u/maker", {"User-Agent": BROWSER}),
                "case study": (case_study, {"User-Agent": BROWSER}),
                "dashboard": (f"{base}/dashboard", {"Cookie": cookie}),
                "revalidation (304)": (
                    f"{base}/u/maker",
                    {"User-Agent": BROWSER, "If-None-Match": etag},
                ),
                "public picture": (f"{base}/media/{picture_key}", {"User-Agent": BROWSER}),
            }
            return {name: load(page, headers) for name, (page, headers) in pages.items()}


def report(label: str, ceiling: float, results: dict[str, tuple[float, float, float]]) -> None:
    print(f"\n{label}; ratios to bare Flask's hello world ({ceiling:,.0f} req/s)")
    print(f"{'page':<24} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6}  target")
    for name, (rate, p50, p99) in results.items():
        target = TARGETS.get(name)
        verdict = f"≥ {target}: {'met' if rate / ceiling >= target else 'missed'}" if target else ""
        print(f"{name:<24} {rate:>9,.0f} {p50:>8.2f} {p99:>8.2f} {rate / ceiling:>6.2f}  {verdict}")


def main() -> None:
    load = wrk if shutil.which("wrk") else python_load
    tool = "wrk" if load is wrk else "a Python load generator (install wrk for better numbers)"
    print(f"gunicorn, {WORKERS} workers; {CONNECTIONS} connections for {DURATION_SECONDS} s "
          f"per page, measured with {tool}")  # fmt: skip
    postgres = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1/postgres")
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    chosen = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
    ceiling = measure_bare_flask(load)[0]
    print(f"bare Flask, hello world: {ceiling:,.0f} req/s")
    if "sqlite" in chosen:
        report("SQLite, no Redis (the default)", ceiling, measure(load, "", ""))
    if "postgresql" in chosen:
        report("PostgreSQL with Redis (production)", ceiling, measure(load, postgres, redis_url))


if __name__ == "__main__":
    main()
