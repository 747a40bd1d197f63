"""What every request of ours pays before its view, measured in process.

Calls each app's WSGI callable directly (no server, no sockets), many times, and
prints microseconds per request: a bare Flask app's "hello world", the same route
inside our app, and our public profile's 304 revalidation and counted view, on SQLite
as `make run` sets it up. Then the app's hello world again with one part taken away
at a time (rate limiting, the security headers, the session interface's cookie
handling), so each part's cost shows as the difference.

    .venv/bin/python -m bench.request_cost
"""

import sys
import tempfile
import time
from pathlib import Path

from flask import Flask
from werkzeug.test import EnvironBuilder

from bench.common import migrate
from bench.common import seed_portfolio
from pm_portfolio import create_app
from pm_portfolio.web.security import add_security_headers

REQUESTS = 3_000
RUNS = 5
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"


def per_request_us(app: Flask, path: str, headers: dict[str, str] | None = None) -> float:
    """The best of RUNS runs of REQUESTS requests, in microseconds a request."""
    environ = EnvironBuilder(path=path, headers=headers or {}).get_environ()
    statuses = set()

    def start_response(status, _headers, _exc_info=None):
        statuses.add(status.split()[0])

    def one_request() -> None:
        response = app(dict(environ), start_response)
        for _chunk in response:
            pass
        getattr(response, "close", lambda: None)()

    one_request()  # warm up: templates, connections
    runs = []
    for _ in range(RUNS):
        started = time.perf_counter()
        for _ in range(REQUESTS):
            one_request()
        runs.append((time.perf_counter() - started) / REQUESTS * 1e6)
    if not statuses <= {"200", "304"}:
        sys.exit(f"{path} answered {statuses}")
    return min(runs)


def bare_flask() -> Flask:
    app = Flask(__name__)
    app.add_url_rule("/bench/hello", "hello", lambda: "Hello, World!")
    return app


def our_app(settings: dict) -> Flask:
    app = create_app(settings)
    app.add_url_rule("/bench/hello", "hello", lambda: "Hello, World!")
    return app


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        migrate(url)
        settings = {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "MEDIA_STORAGE_URL": (Path(folder) / "media").as_uri(),
            "CACHE_DIR": str(Path(folder) / "cache"),
        }
        seed_portfolio(create_app(settings), "maker", products=30, learnings_each=5)
        app = our_app(settings)
        ceiling = per_request_us(bare_flask(), "/bench/hello")
        with app.test_client() as client:
            etag = client.get("/u/maker").headers["ETag"]

        rows = [
            ("bare Flask, hello world", ceiling),
            ("our app, hello world", per_request_us(app, "/bench/hello")),
            ("profile, 304", per_request_us(app, "/u/maker", {"If-None-Match": etag})),
            ("profile, view counted", per_request_us(app, "/u/maker", {"User-Agent": BROWSER})),
        ]
        no_limits = our_app({**settings, "RATELIMIT_ENABLED": False})
        rows.append(("hello world, no rate limiter", per_request_us(no_limits, "/bench/hello")))
        no_headers = our_app(settings)
        no_headers.after_request_funcs[None].remove(add_security_headers)
        rows.append(
            ("hello world, no security headers", per_request_us(no_headers, "/bench/hello"))
        )

        print(f"In process, SQLite; best of {RUNS} runs of {REQUESTS:,} requests")
        print(f"{'request':<36}{'µs':>8}{'ratio to bare Flask':>22}")
        for name, micros in rows:
            print(f"{name:<36}{micros:>8.1f}{ceiling / micros:>22.2f}")


if __name__ == "__main__":
    main()
