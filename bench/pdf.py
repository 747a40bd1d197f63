"""Benchmark the PDFs: how long the server takes to make a portfolio's and a case study's.

Seeds a published maker with 10 products (3 metrics, 2 skills, 5 public learnings and
a cover picture each) and asks the app for /u/<username>.pdf and one case study's PDF,
in process, with the page cache off so that every request draws the PDF again. Prints
the median and slowest of several renders, the pages and the size, and the time to
serve a PDF already made (the page cache on: every request after the first).

    .venv/bin/python -m bench.pdf                    # SQLite in a temporary folder
    DATABASE_URL=postgresql://postgres@127.0.0.1/postgres .venv/bin/python -m bench.pdf
"""

import io
import statistics
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader

from bench.common import add_covers
from bench.common import backend_name
from bench.common import migrate
from bench.common import scratch_database
from bench.common import seed_portfolio
from pm_portfolio import create_app
from pm_portfolio.extensions import db
from pm_portfolio.models import Learning

PRODUCTS = 10
RENDERS = 5
TARGET_SECONDS = 5.0


def timed(client, path: str, times: int) -> tuple[list[float], bytes]:
    seconds = []
    for _ in range(times):
        started = time.perf_counter()
        response = client.get(path)
        seconds.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    return seconds, response.data


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, scratch_database(Path(folder)) as url:
        migrate(url)
        settings = {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "MEDIA_STORAGE_URL": (Path(folder) / "media").as_uri(),
            "RATELIMIT_ENABLED": False,
        }
        seeding_app = create_app(settings)
        seed_portfolio(seeding_app, "maker", products=PRODUCTS, learnings_each=5)
        add_covers(seeding_app, "maker")
        with seeding_app.app_context():
            for learning in db.session.scalars(db.select(Learning)):
                learning.is_public = True
            db.session.commit()

        uncached = create_app({**settings, "PUBLIC_PAGE_CACHE_BYTES": 0}).test_client()
        cached = create_app(settings).test_client()
        print(f"PDFs on {backend_name()}, {PRODUCTS} products with covers, {RENDERS} renders each")
        print(f"{'document':<28}{'median':>10}{'slowest':>10}{'pages':>8}{'size':>10}")
        documents = (
            ("portfolio (10 products)", "/u/maker.pdf"),
            ("one case study", "/u/maker/product-1.pdf"),
        )
        for name, path in documents:
            uncached.get(path)  # fonts and templates loaded once, as on a warm server
            seconds, body = timed(uncached, path, RENDERS)
            pages = len(PdfReader(io.BytesIO(body)).pages)
            print(
                f"{name:<28}{statistics.median(seconds) * 1000:>8.0f}ms"
                f"{max(seconds) * 1000:>8.0f}ms{pages:>8}{len(body) / 1024:>8.0f}KB"
            )
        cached.get("/u/maker.pdf")
        seconds, _body = timed(cached, "/u/maker.pdf", 50)
        print(f"{'portfolio, already made':<28}{statistics.median(seconds) * 1000:>8.1f}ms")
        worst = max(timed(uncached, "/u/maker.pdf", 1)[0])
        verdict = "within" if worst <= TARGET_SECONDS else "OVER"
        print(f"goal: a 10-product portfolio in under {TARGET_SECONDS:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
