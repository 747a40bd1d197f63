"""What one PDF may cost: a render that runs too long is stopped (its process, not just
the wait), what it may hold is bounded, and a maker renders one document at a time, so
a hostile portfolio cannot make another maker's PDF fail."""

import multiprocessing
import threading
from datetime import date

import pytest

from pm_portfolio.portfolio import documents
from pm_portfolio.portfolio.render_locks import render_lock
from tests.factories import make_product
from tests.factories import make_user
from tests.infrastructure import make_app

BROWSER = {"User-Agent": "Mozilla/5.0 (Macintosh) Safari/605.1.15"}


def markdown_table(rows: int, columns: int) -> str:
    head = "|" + "|".join(f"h{column}" for column in range(columns)) + "|"
    rule = "|" + "---|" * columns
    body = ["|" + "|".join(f"v{row}.{column}" for column in range(columns)) + "|"
            for row in range(rows)]  # fmt: skip
    return "\n".join([head, rule, *body])


def document(html: str, app) -> documents.Document:
    return documents.Document(
        html=html,
        base_url="http://localhost/",
        static_folder=app.static_folder,
        media_storage_url=app.config["MEDIA_STORAGE_URL"],
        media_keys=frozenset(),
    )


def html_table(rows: int, columns: int) -> str:
    cells = "".join(
        "<tr>" + "".join(f"<td>{row}.{column}</td>" for column in range(columns)) + "</tr>"
        for row in range(rows)
    )
    return f"<table>{cells}</table>"


def published_maker(app, username: str, **product_fields) -> None:
    with app.app_context():
        maker = make_user(username=username, is_published=True)
        for number in range(2):
            make_product(maker.id, title=f"Product {number}", slug=f"product-{number}",
                         visibility="public", status="shipped", shipped_on=date(2026, 3, 1),
                         **product_fields)  # fmt: skip


def test_a_render_past_its_time_limit_is_stopped(app, pdf_renderer):
    slow = document(html_table(100, 19), app)

    with pytest.raises(documents.DocumentFailed, match="took too long"):
        documents.render_pdf(slow, timeout=0.2, max_pages=100)

    assert multiprocessing.active_children() == [], "the render's process is gone"


def test_a_render_in_its_own_process_makes_the_pdf(app, pdf_renderer):
    made = documents.render_pdf(document("<h1>Hello</h1>", app), timeout=30, max_pages=100)
    assert made.startswith(b"%PDF-")


def test_tables_too_large_to_print_are_refused_before_drawing(app, client, pdf_renderer):
    published_maker(app, "ada", solution=markdown_table(150, 60))

    response = client.get("/u/ada.pdf", headers=BROWSER)

    assert response.status_code == 503
    assert "tables of 18,120 cells in all" in response.get_data(as_text=True)
    assert client.get("/u/ada/product-0", headers=BROWSER).status_code == 200


@pytest.mark.parametrize("app_config", [{"PDF_MAX_PAGES": 1}])
def test_a_pdf_longer_than_the_page_limit_is_refused(app, client, pdf_renderer):
    published_maker(app, "ada", solution="A paragraph of what was built.\n\n" * 60)

    response = client.get("/u/ada.pdf", headers=BROWSER)

    assert response.status_code == 503
    assert "more than the 1 a download may have" in response.get_data(as_text=True)


# Time enough for Ada's small PDF on a busy machine (CI runs two suites side by side).
@pytest.mark.parametrize("app_config", [{"PDF_TIMEOUT_SECONDS": 5}])
def test_a_hostile_portfolio_cannot_make_another_makers_pdf_fail(app, pdf_renderer, monkeypatch):
    # Slow to draw (about a second for each of its two case studies), under every bound.
    published_maker(app, "mallory", solution=markdown_table(90, 10))
    published_maker(app, "ada")
    answers: dict[str, list] = {"mallory": [], "ada": []}
    # Mallory's first render holds her lock until her other two requests have been
    # answered: each asks while it is surely held, however fast the machine (a race of
    # three threads to the lock was lost under faketime).
    holding, others_answered = threading.Event(), threading.Event()
    render = documents.render_pdf

    def held(document, *args):
        if "/u/mallory" in document.html and not holding.is_set():
            holding.set()
            others_answered.wait(timeout=30)
        return render(document, *args)

    monkeypatch.setattr(documents, "render_pdf", held)

    def download(maker: str, path: str) -> threading.Thread:
        def get() -> None:
            response = app.test_client().get(path, headers=BROWSER)
            text = "" if response.status_code == 200 else response.get_data(as_text=True)
            answers[maker].append((response.status_code, text))

        thread = threading.Thread(target=get)
        thread.start()
        return thread

    first = download("mallory", "/u/mallory.pdf")
    assert holding.wait(timeout=30)
    for thread in [download("mallory", f"/u/mallory/product-{n}.pdf") for n in (0, 1)]:
        thread.join()
    # Ada's render and Mallory's slow one run side by side.
    ada = download("ada", "/u/ada.pdf")
    others_answered.set()
    first.join()
    ada.join()

    assert [status for status, _body in answers["ada"]] == [200], answers["ada"]
    refused = [body for status, body in answers["mallory"] if status == 503]
    assert sum("being made right now" in body for body in refused) == 2


@pytest.fixture(params=["files", "redis"])
def lock_app(request, migrated_database_url, tmp_path):
    if request.param == "files":
        return make_app(migrated_database_url)
    redis_url = request.getfixturevalue("redis_url")
    return make_app(
        migrated_database_url, REDIS_URL=redis_url, CACHE_KEY_PREFIX=f"{tmp_path.name}:"
    )


def test_a_maker_holds_one_render_lock_at_a_time(lock_app):
    with lock_app.app_context():
        with (
            render_lock(1, seconds=5) as first,
            render_lock(1, seconds=5) as second,
            render_lock(2, seconds=5) as other,
        ):
            assert (first, second, other) == (True, False, True)
        with render_lock(1, seconds=5) as again:
            assert again
