"""A maker's PDFs are drawn ahead of readers: a change of their portfolio schedules one
job (a minute after the last change), which draws the portfolio PDF and each case
study's into the shared cache, from which any server sends them without drawing."""

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
import time_machine

from pm_portfolio.extensions import cache
from pm_portfolio.extensions import db
from pm_portfolio.models import Product
from pm_portfolio.portfolio import documents
from pm_portfolio.portfolio.prerendering import prerender_pdfs
from pm_portfolio.portfolio.render_locks import render_lock
from pm_portfolio.web.shared_cache import version_from_shared_cache
from tests.clients import AuthActions
from tests.factories import learning_form
from tests.factories import make_product
from tests.factories import make_user
from tests.infrastructure import empty_redis_database
from tests.infrastructure import make_app

PUBLIC_URL = "https://portfolio.example.com"
CHANGED_AT = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)


@pytest.fixture
def queue_url(redis_url):
    with empty_redis_database(redis_url, 11) as url:
        yield url


@pytest.fixture
def shared_cache(tmp_path) -> dict:
    """Settings of servers that share one cache folder, as servers share Redis."""
    return {"CACHE_DIR": str(tmp_path / "cache"), "PUBLIC_URL": PUBLIC_URL}


def scheduled(app) -> dict[str, float]:
    with app.app_context():
        registry = app.extensions["rq"].get_queue("default").scheduled_job_registry
        return {
            job_id: registry.connection.zscore(registry.key, job_id)
            for job_id in registry.get_job_ids()
        }


def test_each_change_moves_the_makers_one_job_later(migrated_database_url, queue_url, app):
    queued = make_app(migrated_database_url, REDIS_URL=queue_url)
    with time_machine.travel(CHANGED_AT, tick=False), queued.app_context():
        maker = make_user(username="ada", is_published=True)
        other = make_user(username="bo", is_published=True)
    first = scheduled(queued)
    assert set(first) == {f"prerender-pdfs-{maker.id}", f"prerender-pdfs-{other.id}"}

    with time_machine.travel(CHANGED_AT + timedelta(seconds=30), tick=False), queued.app_context():
        make_product(maker.id, title="Queue Buddy", visibility="public", status="shipped")
        second = scheduled(queued)
    assert set(second) == set(first)
    assert second[f"prerender-pdfs-{maker.id}"] > first[f"prerender-pdfs-{maker.id}"]
    assert second[f"prerender-pdfs-{other.id}"] == first[f"prerender-pdfs-{other.id}"]
    with queued.app_context():
        job = queued.extensions["rq"].get_queue("default").fetch_job(f"prerender-pdfs-{maker.id}")
    assert (job.func_name, job.args) == (
        "pm_portfolio.portfolio.prerendering.prerender_pdfs",
        (maker.id,),
    )


def test_a_change_made_in_a_page_schedules_the_published_makers_job(
    migrated_database_url, queue_url, app
):
    queued = make_app(migrated_database_url, REDIS_URL=queue_url)
    with queued.app_context():
        maker = make_user(username="ada", is_published=True)
        quiet = make_user(username="bo")
        queued.extensions["rq"].get_queue("default").scheduled_job_registry.remove(
            f"prerender-pdfs-{maker.id}", delete_job=True
        )
    for username in ("ada", "bo"):
        client = queued.test_client()
        AuthActions(client).login(username)
        response = client.submit("/learnings/new", learning_form())
        assert response.status_code == 302

    assert set(scheduled(queued)) == {f"prerender-pdfs-{maker.id}"}
    assert f"prerender-pdfs-{quiet.id}" not in scheduled(queued)


def test_without_a_queue_nothing_is_drawn_ahead(app):
    with app.app_context():
        make_user(username="ada", is_published=True)
    assert "rq" not in app.extensions


def test_a_drawn_pdf_is_sent_by_another_server_without_drawing(
    migrated_database_url, shared_cache, pdf_renderer, monkeypatch, app
):
    worker = make_app(migrated_database_url, **shared_cache)
    with worker.app_context():
        maker = make_user(username="ada", is_published=True)
        make_product(
            maker.id, title="Queue Buddy", slug="queue-buddy", visibility="public", status="shipped"
        )
        make_product(maker.id, title="Draft", slug="draft", visibility="private")
        assert prerender_pdfs(maker.id) == 2

    def no_drawing(*_args, **_kwargs):
        raise AssertionError("the PDF was drawn again")

    monkeypatch.setattr(documents, "render_pdf", no_drawing)
    web = make_app(migrated_database_url, **shared_cache).test_client()
    for path in ["/u/ada.pdf", "/u/ada/queue-buddy.pdf"]:
        response = web.get(path)
        assert response.status_code == 200
        assert response.data.startswith(b"%PDF")
    assert web.get("/u/ada/draft.pdf").status_code == 404

    # A change makes a new version, which is drawn again (here on demand).
    with worker.app_context():
        db.session.scalar(db.select(Product).where(Product.slug == "queue-buddy")).title = "Q"
        db.session.commit()
    with pytest.raises(AssertionError, match="drawn again"):
        web.get("/u/ada/queue-buddy.pdf")


def test_the_job_draws_while_a_reader_holds_the_makers_render_lock(app, pdf_renderer):
    with app.app_context():
        maker = make_user(username="ada", is_published=True)
        make_product(maker.id, title="Queue Buddy", visibility="public", status="shipped")
        with app.test_request_context(), render_lock(maker.id, 20) as held:
            assert held
            assert prerender_pdfs(maker.id) == 2


def test_a_new_version_replaces_the_old_in_the_shared_cache(app):
    with app.app_context():
        assert version_from_shared_cache("pdf:test", "v1", lambda: b"one") == b"one"
        assert version_from_shared_cache("pdf:test", "v1", lambda: b"other") == b"one"
        assert version_from_shared_cache("pdf:test", "v2", lambda: b"two") == b"two"
        assert cache.get("pdf:test") == ("v2", b"two")


def test_an_unpublished_portfolio_is_not_drawn(app, pdf_renderer):
    with app.app_context():
        maker = make_user(username="ada")
        make_product(maker.id, title="Queue Buddy", visibility="public", status="shipped")
        assert prerender_pdfs(maker.id) == 0
