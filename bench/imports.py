"""Benchmark CSV import at its documented limit (5,000 rows) through gunicorn.

Seeds a maker with 5,000 products and a learning for each, downloads both CSV
exports, then, signed in as an empty account, uploads each file, opens its
preview and confirms it, timing every step; then imports the products file a
second time, where every row updates a product. gunicorn's default worker
timeout is 30 s: an import must finish well within it.

    .venv/bin/python -m bench.imports                # SQLite in a temporary folder
    DATABASE_URL=postgresql://postgres@127.0.0.1/postgres .venv/bin/python -m bench.imports
"""

import io
import re
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from bench.common import backend_name
from bench.common import gunicorn
from bench.common import logged_in_opener
from bench.common import migrate
from bench.common import scratch_database
from bench.common import seed_portfolio
from pm_portfolio import create_app
from pm_portfolio.core.accounts import create_user
from pm_portfolio.extensions import db

ROWS = 5_000
TARGET_SECONDS = 5
SERVER_TIMEOUT_SECONDS = 30
CSRF = re.compile(r'name="import-csrf_token"[^>]*value="([^"]+)"')
CONFIRM_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def timed(call):
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def upload(opener, base: str, kind: str, content: bytes) -> str:
    """Upload a CSV; returns the preview's URL."""
    page = opener.open(f"{base}/settings/data").read().decode()
    boundary, body = encode_multipart(
        {
            "import-csrf_token": CSRF.search(page).group(1),
            "import-kind": kind,
            "import-file": FileStorage(stream=io.BytesIO(content), filename="f.csv"),
        }
    )
    request = urllib.request.Request(  # noqa: S310 - our own server on loopback
        f"{base}/settings/data/import",
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    with opener.open(request) as response:
        return response.url


def confirm(opener, preview_url: str, preview_page: str) -> str:
    token = CONFIRM_CSRF.search(preview_page).group(1)
    data = urllib.parse.urlencode({"csrf_token": token}).encode()
    with opener.open(preview_url, data=data) as response:
        return response.url


def run_import(opener, base: str, kind: str, content: bytes) -> tuple[float, float, float]:
    preview_url, upload_seconds = timed(lambda: upload(opener, base, kind, content))
    page, preview_seconds = timed(lambda: opener.open(preview_url).read().decode())
    if "Fix these, then upload the file again" in page:
        raise SystemExit(f"the preview found problems in the {kind} file")
    landing, confirm_seconds = timed(lambda: confirm(opener, preview_url, page))
    if "/settings/data" in landing:
        raise SystemExit(f"the {kind} import did not complete: {landing}")
    return upload_seconds, preview_seconds, confirm_seconds


def main() -> None:
    results = []
    with tempfile.TemporaryDirectory() as folder, scratch_database(Path(folder)) as url:
        migrate(url)
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        print(f"seeding {ROWS:,} products with a learning each…")
        seed_portfolio(app, "bench-source", ROWS, 1)
        with app.app_context():
            create_user("bench-target@example.com", "bench-target", "benchmark password")
            db.engine.dispose()
        with gunicorn(url, workers=2, RATELIMIT_ENABLED="false") as (base, _pid):
            source, _cookie = logged_in_opener(base, "bench-source")
            files = {
                kind: source.open(f"{base}/export/{kind}.csv").read()
                for kind in ("products", "learnings")
            }
            target, _cookie = logged_in_opener(base, "bench-target")
            for label, kind in (
                ("products (new)", "products"),
                ("learnings (new)", "learnings"),
                ("products (updates)", "products"),
            ):
                print(f"importing {label}…")
                timings = run_import(target, base, kind, files[kind])
                results.append((label, len(files[kind]), *timings))

    print(f"\nCSV import of {ROWS:,} rows through gunicorn (2 workers), {backend_name()}")
    print(f"{'import':<20} {'MB':>5} {'upload s':>9} {'preview s':>10} {'confirm s':>10}")
    for label, size, upload_seconds, preview_seconds, confirm_seconds in results:
        print(f"{label:<20} {size / 1e6:>5.1f} {upload_seconds:>9.2f} {preview_seconds:>10.2f} "
              f"{confirm_seconds:>10.2f}")  # fmt: skip
    slowest = max(max(row[3], row[4]) for row in results)
    print(f"\nslowest step: {slowest:.1f} s (target ≤ {TARGET_SECONDS} s; gunicorn's worker "
          f"timeout is {SERVER_TIMEOUT_SECONDS} s)")  # fmt: skip


if __name__ == "__main__":
    main()
