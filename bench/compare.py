"""Benchmark comparing two revisions of a case study: the whole GET of the compare page.

Saves a product twice with its five long text fields (problem, hypothesis, what was
built, trade-offs, outcome) filled to a given length, in two kinds of text:

- random: random words in lines of about 80 characters, the newer text another draw;
- repetitive: one short word repeated, the newer text the same with a word changed every
  few words (the worst case of a word diff: many equal candidates for every match).

Then asks for the compare page as the signed-in maker, in process, and prints how long
it took. A case that runs past CAP_SECONDS is stopped and printed as "> CAP".

    .venv/bin/python -m bench.compare
"""

import random
import signal
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import PASSWORD
from bench.common import migrate
from bench.common import scratch_database
from pm_portfolio import create_app
from pm_portfolio.core import revisions
from pm_portfolio.core.accounts import create_user
from pm_portfolio.extensions import db
from pm_portfolio.models import Product

LENGTHS = (1_200, 4_000, 20_000)
FIELDS = ("problem", "hypothesis", "solution", "tradeoffs", "outcome")
TIMES = 3
CAP_SECONDS = 20
TARGET_SECONDS = 0.5


def random_text(length: int, seed: int) -> str:
    draw = random.Random(seed)  # noqa: S311 - test text, not a secret
    words, size = [], 0
    while size < length:
        word = "".join(draw.choices("abcdefghij", k=draw.randint(1, 8)))
        words.append(word + ("\n" if draw.random() < 0.1 else " "))
        size += len(words[-1])
    return "".join(words)[:length]


def repetitive_text(length: int, changed: bool) -> str:
    words = ["a"] * (length // 2)
    if changed:
        words[::7] = ["b"] * len(words[::7])
    return " ".join(words)[:length]


def texts(kind: str, length: int) -> tuple[str, str]:
    if kind == "random":
        return random_text(length, 1), random_text(length, 2)
    return repetitive_text(length, False), repetitive_text(length, True)


class TooSlow(Exception):
    pass


def stop(_signal, _frame):
    raise TooSlow


def main() -> None:
    signal.signal(signal.SIGALRM, stop)
    with tempfile.TemporaryDirectory() as folder, scratch_database(Path(folder)) as url:
        migrate(url)
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": "bench",
                "MEDIA_STORAGE_URL": (Path(folder) / "media").as_uri(),
                "RATELIMIT_ENABLED": False,
                "WTF_CSRF_ENABLED": False,
                # A case stopped at the cap reaches the benchmark, not an error page.
                "PROPAGATE_EXCEPTIONS": True,
            }
        )
        with app.app_context():
            create_user("maker@example.com", "maker", PASSWORD)
            db.session.commit()
        client = app.test_client()
        client.post("/login", data={"login": "maker", "password": PASSWORD})
        print(f"Comparing two revisions of 5 fields, the GET of the page, {TIMES} times")
        print(f"{'text':<12}{'characters a field':>20}{'median':>12}{'slowest':>12}")
        for kind in ("random", "repetitive"):
            for length in LENGTHS:
                path = compare_page(app, kind, length)
                seconds = []
                try:
                    for _ in range(TIMES):
                        signal.alarm(CAP_SECONDS)
                        started = time.perf_counter()
                        response = client.get(path)
                        seconds.append(time.perf_counter() - started)
                        signal.alarm(0)
                        if response.status_code != 200:
                            raise SystemExit(f"{path} answered {response.status_code}")
                except TooSlow:
                    print(f"{kind:<12}{length:>20,}{'> ' + str(CAP_SECONDS) + ' s':>12}")
                    continue
                print(
                    f"{kind:<12}{length:>20,}{statistics.median(seconds) * 1000:>10.0f}ms"
                    f"{max(seconds) * 1000:>10.0f}ms"
                )
        print(f"Goal: every case under {TARGET_SECONDS * 1000:.0f} ms")


def compare_page(app, kind: str, length: int) -> str:
    """A new product saved with the older texts, then the newer; the older revision's page."""
    older, newer = texts(kind, length)
    with app.app_context():
        owner = db.session.scalar(db.select(db.text("id FROM users")))
        product = Product(user_id=owner, title=f"{kind} {length}", slug=f"{kind}-{length}")
        for field in FIELDS:
            setattr(product, field, older)
        db.session.add(product)
        db.session.flush()
        revisions.record([product])
        for field in FIELDS:
            setattr(product, field, newer)
        db.session.commit()
        revision = revisions.revisions_of(product.id)[-1]
        return f"/products/{product.id}/revisions/{revision.id}"


if __name__ == "__main__":
    main()
