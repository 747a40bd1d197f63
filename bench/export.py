"""Benchmark the CSV exports through a real HTTP server: throughput and memory.

Seeds one maker with N products (3 metrics, 2 skills each) and 5 learnings per
product, serves the app with gunicorn (one worker, so one process to watch),
downloads /export/products.csv and /export/learnings.csv, and prints rows per
second and the server's peak memory growth. Runs at 2,000 and 20,000 products
to show memory stays flat, and prints Python's csv.writer writing similar rows
from memory as the ceiling.

    .venv/bin/python -m bench.export                 # SQLite in a temporary folder
    DATABASE_URL=postgresql://postgres@127.0.0.1/postgres .venv/bin/python -m bench.export

With DATABASE_URL, a scratch database is created on that server and dropped after.
"""

import csv
import io
import re
import tempfile
import threading
import time
from pathlib import Path

from bench.common import backend_name
from bench.common import gunicorn
from bench.common import logged_in_opener
from bench.common import migrate
from bench.common import scratch_database
from bench.common import seed_portfolio
from pm_portfolio import create_app
from pm_portfolio.extensions import db

SIZES = (2_000, 20_000)
LEARNINGS_PER_PRODUCT = 5
TARGET_ROWS_PER_SECOND = 50_000
TARGET_MEMORY_MB = 50


def rss_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1))


def download(opener, url: str, worker_pid: int) -> tuple[int, float, float]:
    """(bytes, seconds, peak memory growth in MB) of one streamed download."""
    baseline = rss_kb(worker_pid)
    peak = baseline
    done = threading.Event()

    def watch():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_kb(worker_pid))
            time.sleep(0.005)

    watcher = threading.Thread(target=watch)
    watcher.start()
    started = time.perf_counter()
    size = 0
    with opener.open(url) as response:
        while chunk := response.read(256 * 1024):
            size += len(chunk)
    elapsed = time.perf_counter() - started
    done.set()
    watcher.join()
    return size, elapsed, (peak - baseline) / 1024


def ceiling(rows: int) -> float:
    """Rows per second of csv.writer writing prepared rows from memory: the upper bound."""
    row = ["product-1", "Product 1", "A tagline", "Remote teams", "shipped", "Solo maker",
           "", "2026-01-01", "", "", "public", "false", "0", "discovery;design",
           '[{"label":"users","value":"140","note":""}]', "The problem", "If", "A web app",
           "No app", "It worked", "2026-01-01T00:00:00.000000+00:00",
           "2026-01-01T00:00:00.000000+00:00"]  # fmt: skip
    data = [list(row) for _ in range(rows)]
    buffer = io.StringIO()
    started = time.perf_counter()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for item in data:
        writer.writerow(item)
    return rows / (time.perf_counter() - started)


def main() -> None:
    results = []
    with tempfile.TemporaryDirectory() as folder, scratch_database(Path(folder)) as url:
        migrate(url)
        seeding_app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        for size in SIZES:
            print(f"seeding {size:,} products and {size * LEARNINGS_PER_PRODUCT:,} learnings…")
            seed_portfolio(seeding_app, f"bench-{size}", size, LEARNINGS_PER_PRODUCT)
        with seeding_app.app_context():
            db.engine.dispose()
        with gunicorn(url, workers=1) as (base, worker_pid):
            for size in SIZES:
                opener, _cookie = logged_in_opener(base, f"bench-{size}")
                opener.open(f"{base}/dashboard").read()
                for kind, rows in (("products", size), ("learnings", size * LEARNINGS_PER_PRODUCT)):
                    nbytes, seconds, growth = download(
                        opener, f"{base}/export/{kind}.csv", worker_pid
                    )
                    results.append((size, kind, rows, nbytes, seconds, growth))

    print(f"\nCSV export through gunicorn (1 worker), {backend_name()}")
    print(f"{'products':>9} {'file':>10} {'rows':>8} {'MB':>7} {'seconds':>8} {'rows/s':>9} "
          f"{'peak MB':>8}")  # fmt: skip
    for size, kind, rows, nbytes, seconds, growth in results:
        print(f"{size:>9,} {kind:>10} {rows:>8,} {nbytes / 1e6:>7.1f} {seconds:>8.2f} "
              f"{rows / seconds:>9,.0f} {growth:>8.1f}")  # fmt: skip
    limit = ceiling(100_000)
    print(f"\nceiling: csv.writer from memory writes {limit:,.0f} rows/s")
    slowest = min(rows / seconds for _size, _kind, rows, _nbytes, seconds, _growth in results)
    worst = max(growth for *_rest, growth in results)
    print(f"slowest export: {slowest:,.0f} rows/s (target ≥ {TARGET_ROWS_PER_SECOND:,}); "
          f"largest memory growth: {worst:.1f} MB (target < {TARGET_MEMORY_MB} MB)")  # fmt: skip


if __name__ == "__main__":
    main()
